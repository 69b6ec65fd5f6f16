/*
 * qr.c - the device login's link as a QR code a phone can scan from a
 * terminal: libqrencode makes the module matrix, this file draws it in
 * Unicode half blocks, two module rows to a line of text.
 *
 * The quiet zone (4 modules, ISO/IEC 18004) is drawn like the light
 * modules, since the terminal's background may be dark.
 */
#include "kinde-build.h"

#include "kinde.h"

#include <stdlib.h>
#include <string.h>

#ifdef HAVE_QRENCODE
#include <qrencode.h>
#endif

#define QUIET 4

/*
 * The glyphs are drawn in the foreground colour and stand for the LIGHT
 * modules; the dark ones are left blank, the terminal's background.
 * Without colours (what OpenSSH lets through: it escapes ESC), that is
 * the right way round on a dark background and inverted on a light one,
 * which phone cameras also read.  With colours (KINDE_QR_COLOR), white on
 * black makes it right everywhere: SGR 37/40 first for terminals without
 * the bright colours (the Linux console), then 97 where it is known (an
 * unknown SGR parameter is ignored).
 */
static const char color_on[] = "\033[37;40m\033[97m";
static const char color_off[] = "\033[0m";

/* Cells by (top light, bottom light): UTF-8. */
static const char *const cells[4] = {
	" ",		/* both dark */
	"\342\226\204",	/* U+2584 lower half: bottom light */
	"\342\226\200",	/* U+2580 upper half: top light */
	"\342\226\210",	/* U+2588 full block: both light */
};

bool
kinde_qr_available(void)
{
#ifdef HAVE_QRENCODE
	return true;
#else
	return false;
#endif
}

unsigned char *
kinde_qr_matrix(const char *text, int *size)
{
#ifdef HAVE_QRENCODE
	QRcode *q;
	unsigned char *m = NULL;
	size_t i, n;

	*size = 0;
	if (text == NULL || text[0] == '\0')
		return NULL;
	/* Byte mode, case kept: a URL's path and code are case sensitive. */
	q = QRcode_encodeString(text, 0, QR_ECLEVEL_L, QR_MODE_8, 1);
	if (q == NULL)
		return NULL;
	n = (size_t)q->width * (size_t)q->width;
	m = malloc(n);
	if (m != NULL) {
		for (i = 0; i < n; i++)
			m[i] = q->data[i] & 1;	/* bit 0: dark */
		*size = q->width;
	}
	QRcode_free(q);
	return m;
#else
	(void)text;
	*size = 0;
	return NULL;
#endif
}

/* Module (x, y) of the code with its quiet zone: 1 light. */
static int
light(const unsigned char *m, int size, int x, int y)
{
	x -= QUIET;
	y -= QUIET;
	if (x < 0 || y < 0 || x >= size || y >= size)
		return 1;
	return !m[(size_t)y * (size_t)size + (size_t)x];
}

char *
kinde_qr_text(const char *text, int max_cols, unsigned flags)
{
	bool color = (flags & KINDE_QR_COLOR) != 0;
	size_t on = color ? sizeof(color_on) - 1 : 0;
	size_t off = color ? sizeof(color_off) - 1 : 0;
	unsigned char *m;
	char *out = NULL, *p;
	int size, full, x, y;
	size_t cap;

	m = kinde_qr_matrix(text, &size);
	if (m == NULL)
		return NULL;
	full = size + 2 * QUIET;
	if (full > max_cols)
		goto out;
	/* Each line: colours, at most 3 bytes a cell, colours, newline. */
	cap = (size_t)(full + 1) / 2 * (on + (size_t)full * 3 + off + 1) + 1;
	out = malloc(cap);
	if (out == NULL)
		goto out;
	p = out;
	for (y = 0; y < full; y += 2) {
		memcpy(p, color_on, on);
		p += on;
		for (x = 0; x < full; x++) {
			/* An odd last row: its lower half is quiet zone. */
			const char *c = cells[light(m, size, x, y) << 1 |
					      (y + 1 < full ?
					       light(m, size, x, y + 1) : 1)];
			size_t n = strlen(c);

			memcpy(p, c, n);
			p += n;
		}
		memcpy(p, color_off, off);
		p += off;
		*p++ = '\n';
	}
	*p = '\0';
out:
	free(m);
	return out;
}
