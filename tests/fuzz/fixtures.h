/*
 * fixtures.h - the fuzz targets' fixed key set and tokens (generated once by
 * a throwaway script; the private keys were not kept).
 *
 * FIXED_JWKS: public keys only.  kids: fuzz-rsa (RSA-2048, no alg: RS* and
 * PS*), fuzz-ec (P-256, ES256, use sig), fuzz-ed (Ed25519, EdDSA).
 * The tokens are signed by those keys; claims: iss https://fuzz.kinde.com,
 * aud https://fuzz.kinde.com/api, scope "openid profile email", org_code
 * org_fuzz1, valid at FIXED_NOW.
 */
#ifndef KINDE_FUZZ_FIXTURES_H
#define KINDE_FUZZ_FIXTURES_H

#define FIXED_ISSUER "https://fuzz.kinde.com"
#define FIXED_AUDIENCE "https://fuzz.kinde.com/api"
#define FIXED_NOW 1700000000

static const char fixed_jwks[] =
	"{\"keys\":[{\"kty\":\"RSA\",\"n\":\"t9zJjQD1ppjnz0F1Idaj0puqyt5NVQLOH"
	"CZZfsmfmPv-mAs8fHtAg2aKGbQavHN20ph5Ey2YNKX_Ygwn-xD_BAMCu040k"
	"lwoqeBt7QWOU62VHI50VPzcJtaKsoXGK4_kcLkKBLr4ja1cSwkhQtPTJ2x7Y"
	"uj_UJVAn8rMrvyXDsnDls97x4tGEe334TzaX3mIvwTpPtF0LuWrt6c5A6AP_"
	"3_HkLIWsNQ5SLDbTXrZX_O4PNZefyiXMxUyfSsQmwVYIuGi0kaV7qCgcTKh8"
	"frWkL8wzBUVEFMWYXes0Q-VsGS513lePgDnUc6GSayem4ibRDTRe8SwDa2sZ"
	"87TAi_SjQ\",\"e\":\"AQAB\",\"kid\":\"fuzz-rsa\"},{\"kty\":\"EC\",\"crv\":\"P"
	"-256\",\"x\":\"0CSqAtDo0fyFus5bJKcV1npg44ZXa44mE3KikKYMSrc\",\"y\":"
	"\"X77FJ0bq0abJlCxaUmSnMybqkwmpPjIqKeDibM4-6g8\",\"kid\":\"fuzz-ec"
	"\",\"alg\":\"ES256\",\"use\":\"sig\"},{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x"
	"\":\"_R5xeqZ-kxpJz9tqyRmIwZA-Pt_4l4LZLdMQ8Xev778\",\"kid\":\"fuzz-"
	"ed\",\"alg\":\"EdDSA\"}]}";

#define FIXED_TOKEN_RS256 \
	"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImZ1enotcnNhIn0." \
	"eyJpc3MiOiJodHRwczovL2Z1enoua2luZGUuY29tIiwic3ViIjoia3BfMDEy" \
	"MzQ1Njc4OWFiY2RlZiIsImF1ZCI6WyJodHRwczovL2Z1enoua2luZGUuY29t" \
	"L2FwaSJdLCJpYXQiOjE2OTk5OTk5MDAsIm5iZiI6MTY5OTk5OTkwMCwiZXhw" \
	"IjoxNzAwMDAzNjAwLCJzY29wZSI6Im9wZW5pZCBwcm9maWxlIGVtYWlsIiwi" \
	"b3JnX2NvZGUiOiJvcmdfZnV6ejEiLCJhenAiOiIwMTIzNDU2Nzg5YWJjZGVm" \
	"MDEyMzQ1Njc4OWFiY2RlZiIsImp0aSI6ImZ1enotanRpLTEifQ.RgYkrp_nj" \
	"cDenj5ehrxke9-eNA2TJE7HOeFC_5svyaAdSLpXU99OdfQ1Ok8ErB5y4qmhL" \
	"cqYzHw-8N783Z6ja5U6evY6KL2xow3-ShD_UAPAL5ffpUTyahgC-AXkJG9jw" \
	"3GBv48Us4Dx2k5RZoAYGMyi3HnETQ5pZ5Ngdk3VtDIGoNqsjZ0bdVFLkDwOz" \
	"JnRt9QdBLi3Cvj03NghgjbOp92CDd-E8K82dBCqKTVnHQrdOChZyWKDkPtnV" \
	"pe_GCfkmQLH3m2EkT3batqKvxN9hw-xRwZJ8zvPObihu9uZn9zdHoIrHGGIb" \
	"wm_0vK3XbDWB9pr9FWfTII59_MnGrCf1w"

#define FIXED_TOKEN_PS256_NOKID \
	"eyJhbGciOiJQUzI1NiJ9.eyJpc3MiOiJodHRwczovL2Z1enoua2luZGUuY29" \
	"tIiwic3ViIjoia3BfMDEyMzQ1Njc4OWFiY2RlZiIsImF1ZCI6WyJodHRwczo" \
	"vL2Z1enoua2luZGUuY29tL2FwaSJdLCJpYXQiOjE2OTk5OTk5MDAsIm5iZiI" \
	"6MTY5OTk5OTkwMCwiZXhwIjoxNzAwMDAzNjAwLCJzY29wZSI6Im9wZW5pZCB" \
	"wcm9maWxlIGVtYWlsIiwib3JnX2NvZGUiOiJvcmdfZnV6ejEiLCJhenAiOiI" \
	"wMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZiIsImp0aSI6ImZ1eno" \
	"tanRpLTEifQ.jKan_mu3bD4ab-n7Uh2yjmX6ybMePA3_hD_MJEk6a9onsm00" \
	"vBHwHqF4SkubPD1BjrmtqXq7QM9j6jkspStN_XnUWg4_LGkmLgeBl3Z9HoVL" \
	"YHE4IgNl48unq4ycuR0PxQTaUlEyamWkH7a8RapqBA4h6Y99clhNDPnb8qoU" \
	"4eOtDcKo1DgVmYnnae1_RxIb38OLHmSp8XC80T9A28weNnAtel0_NR5E4qYH" \
	"cWkPFQOW2n4yXFPt7Wjn8BWOFPOsPmxAXXKz0cpZYzAXViW1iGpgtbe1ZKEW" \
	"LS0LnMGL_XfpMJxiEZrwFfdNhrctvguGlf27p-uu4KHMrQZeeZ1Osw"

#define FIXED_TOKEN_ES256 \
	"eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImZ1enotZWMifQ.e" \
	"yJpc3MiOiJodHRwczovL2Z1enoua2luZGUuY29tIiwic3ViIjoia3BfMDEyM" \
	"zQ1Njc4OWFiY2RlZiIsImF1ZCI6WyJodHRwczovL2Z1enoua2luZGUuY29tL" \
	"2FwaSJdLCJpYXQiOjE2OTk5OTk5MDAsIm5iZiI6MTY5OTk5OTkwMCwiZXhwI" \
	"joxNzAwMDAzNjAwLCJzY29wZSI6Im9wZW5pZCBwcm9maWxlIGVtYWlsIiwib" \
	"3JnX2NvZGUiOiJvcmdfZnV6ejEiLCJhenAiOiIwMTIzNDU2Nzg5YWJjZGVmM" \
	"DEyMzQ1Njc4OWFiY2RlZiIsImp0aSI6ImZ1enotanRpLTEifQ.EcxAT5VbXm" \
	"t-1ugJiK0bPz__rbRfRvF1GcIeT8gT7VaVeJGOEO6PEVsSGQNBV-auqxpTiJ" \
	"lQxfSFD9_e_oAK9w"

#define FIXED_TOKEN_EDDSA \
	"eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCIsImtpZCI6ImZ1enotZWQifQ.e" \
	"yJpc3MiOiJodHRwczovL2Z1enoua2luZGUuY29tIiwic3ViIjoia3BfMDEyM" \
	"zQ1Njc4OWFiY2RlZiIsImF1ZCI6WyJodHRwczovL2Z1enoua2luZGUuY29tL" \
	"2FwaSJdLCJpYXQiOjE2OTk5OTk5MDAsIm5iZiI6MTY5OTk5OTkwMCwiZXhwI" \
	"joxNzAwMDAzNjAwLCJzY29wZSI6Im9wZW5pZCBwcm9maWxlIGVtYWlsIiwib" \
	"3JnX2NvZGUiOiJvcmdfZnV6ejEiLCJhenAiOiIwMTIzNDU2Nzg5YWJjZGVmM" \
	"DEyMzQ1Njc4OWFiY2RlZiIsImp0aSI6ImZ1enotanRpLTEifQ.keryjCmdkp" \
	"HvBAneA-dHj_a-hswdnWs4UWdgICqIFbM6egLmh-m84cyExDLchvA3jSEWwB" \
	"NBv_ZVILCqjUbJDw"

#endif
