/*
 * qr.c - the device login's link as a QR code a phone can scan from a
 * terminal: libqrencode makes the module matrix, this file draws it in
 * Unicode half blocks, two module rows to a line of text.
 *
 * Colours are explicit (black on white) so the code has the polarity
 * readers expect whatever the terminal's own colours: drawn in the
 * terminal's foreground colour, it would come out inverted on a light or
 * a dark background.  The quiet zone (4 modules, ISO/IEC 18004) is drawn
 * in white too, since the terminal's background may be dark.
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
 * Black on white: SGR 47 first for terminals without the bright colours
 * (the Linux console), then 107 (bright white) where it is known; an
 * unknown SGR parameter is ignored.
 */
static const char line_on[] = "\033[30;47m\033[107m";
static const char line_off[] = "\033[0m\n";

/* Cells by (top dark, bottom dark), foreground black: UTF-8. */
static const char *const cells[4] = {
	" ",		/* neither */
	"\342\226\204",	/* U+2584 lower half: bottom dark */
	"\342\226\200",	/* U+2580 upper half: top dark */
	"\342\226\210",	/* U+2588 full block: both */
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

/* Module (x, y) of the code with its quiet zone: 1 dark. */
static int
dark(const unsigned char *m, int size, int x, int y)
{
	x -= QUIET;
	y -= QUIET;
	if (x < 0 || y < 0 || x >= size || y >= size)
		return 0;
	return m[(size_t)y * (size_t)size + (size_t)x];
}

char *
kinde_qr_text(const char *text, int max_cols)
{
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
	/* Each line: colours on, at most 3 bytes a cell, colours off. */
	cap = (size_t)(full + 1) / 2 * (sizeof(line_on) - 1 +
					 (size_t)full * 3 +
					 sizeof(line_off) - 1) + 1;
	out = malloc(cap);
	if (out == NULL)
		goto out;
	p = out;
	for (y = 0; y < full; y += 2) {
		memcpy(p, line_on, sizeof(line_on) - 1);
		p += sizeof(line_on) - 1;
		for (x = 0; x < full; x++) {
			/* An odd last row: its lower half is quiet zone. */
			const char *c = cells[dark(m, size, x, y) << 1 |
					      (y + 1 < full ?
					       dark(m, size, x, y + 1) : 0)];
			size_t n = strlen(c);

			memcpy(p, c, n);
			p += n;
		}
		memcpy(p, line_off, sizeof(line_off) - 1);
		p += sizeof(line_off) - 1;
	}
	*p = '\0';
out:
	free(m);
	return out;
}
