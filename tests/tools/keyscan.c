// SPDX-License-Identifier: GPL-2.0
/*
 * keyscan: looks for byte strings (key material) in all of the RAM the
 * kernel maps, through /proc/kcore, for tests/vm/keyscan.sh.
 *
 *   keyscan NEEDLES
 *
 * NEEDLES holds one needle a line, "NAME HEX", where HEX is the needle
 * with every byte XORed with 0x5c: neither the file, nor its page cache,
 * nor this program's memory ever holds a needle as it is, so the scan
 * cannot find the needle in its own copy.  Only the needle's first byte
 * is unmasked (in a register, for memchr()); a match is checked byte by
 * byte against the masked copy.
 *
 * The kcore segments with a physical address (the direct map of RAM and
 * the kernel text) are read in chunks that overlap by a needle's length,
 * so a match across a chunk boundary is found.  Prints one line per
 * needle, "NAME N" (the number of places it was found), then "scanned
 * MIB"; exits 0, or 1 on an error (no kcore, a bad file).
 */

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MASK		0x5c
#define NEEDLES_MAX	32
#define NEEDLE_MAX	64
#define CHUNK		(4u << 20)

struct needle {
	char name[32];
	uint8_t masked[NEEDLE_MAX];
	size_t len;
	unsigned long found;
};

static struct needle needles[NEEDLES_MAX];
static unsigned int nneedles;
static size_t longest;

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int read_needles(const char *path)
{
	char line[256], name[32], hex[2 * NEEDLE_MAX + 2];
	FILE *f = fopen(path, "r");
	unsigned int lineno = 0;

	if (!f) {
		fprintf(stderr, "keyscan: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		struct needle *n = &needles[nneedles];
		size_t i, len;

		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%31s %129s", name, hex) != 2 ||
		    nneedles == NEEDLES_MAX)
			goto bad;
		len = strlen(hex);
		if (len % 2 || len < 8 || len / 2 > NEEDLE_MAX)
			goto bad;
		for (i = 0; i < len / 2; i++) {
			int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

			if (hi < 0 || lo < 0)
				goto bad;
			n->masked[i] = (uint8_t)(hi << 4 | lo);
		}
		snprintf(n->name, sizeof(n->name), "%s", name);
		n->len = len / 2;
		if (n->len > longest)
			longest = n->len;
		nneedles++;
	}
	fclose(f);
	return nneedles ? 0 : -1;
bad:
	fprintf(stderr, "keyscan: %s:%u: expected NAME HEX (4-64 bytes)\n",
		path, lineno);
	fclose(f);
	return -1;
}

/* Whether @p holds needle @n (its first byte already matched). */
static int match_rest(const uint8_t *p, const struct needle *n)
{
	size_t i;

	for (i = 1; i < n->len; i++)
		if ((uint8_t)(p[i] ^ MASK) != n->masked[i])
			return 0;
	return 1;
}

/*
 * Counts the needles in @buf[0, @len); a match must start before @limit
 * (the part of the chunk the next one does not repeat).
 */
static void scan(const uint8_t *buf, size_t len, size_t limit)
{
	unsigned int k;

	for (k = 0; k < nneedles; k++) {
		struct needle *n = &needles[k];
		int first = n->masked[0] ^ MASK;
		const uint8_t *p = buf, *end = buf + len;

		while (p + n->len <= end &&
		       (p = memchr(p, first, (size_t)(end - p - n->len + 1)))) {
			if ((size_t)(p - buf) < limit && match_rest(p, n))
				n->found++;
			p++;
		}
	}
}

int main(int argc, char **argv)
{
	unsigned long long scanned = 0;
	Elf64_Ehdr eh;
	Elf64_Phdr *ph;
	uint8_t *buf;
	unsigned int i, k;
	int fd;

	if (argc != 2 || read_needles(argv[1]))
		return 1;
	fd = open("/proc/kcore", O_RDONLY);
	if (fd < 0 || pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64) {
		fprintf(stderr, "keyscan: /proc/kcore: %s\n",
			fd < 0 ? strerror(errno) : "not a 64-bit ELF core");
		return 1;
	}
	ph = calloc(eh.e_phnum, sizeof(*ph));
	buf = malloc(CHUNK + NEEDLE_MAX);
	if (!ph || !buf ||
	    pread(fd, ph, eh.e_phnum * sizeof(*ph), (off_t)eh.e_phoff) !=
	    (ssize_t)(eh.e_phnum * sizeof(*ph))) {
		fprintf(stderr, "keyscan: /proc/kcore: no program headers\n");
		return 1;
	}
	for (i = 0; i < eh.e_phnum; i++) {
		uint64_t off;

		/* RAM and text have a physical address; vmalloc, modules none */
		if (ph[i].p_type != PT_LOAD || ph[i].p_paddr == (Elf64_Addr)-1)
			continue;
		for (off = 0; off < ph[i].p_memsz; off += CHUNK) {
			size_t want = ph[i].p_memsz - off;
			ssize_t got;

			if (want > CHUNK + longest - 1)
				want = CHUNK + longest - 1;
			got = pread(fd, buf, want, (off_t)(ph[i].p_offset + off));
			if (got <= 0)
				break;	/* a hole the kernel will not read */
			scan(buf, (size_t)got, CHUNK);
			scanned += (size_t)got < CHUNK ? (size_t)got : CHUNK;
		}
	}
	for (k = 0; k < nneedles; k++)
		printf("%s %lu\n", needles[k].name, needles[k].found);
	printf("scanned %llu\n", scanned >> 20);
	free(buf);
	free(ph);
	close(fd);
	return 0;
}
