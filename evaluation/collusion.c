/* evaluation/collusion.c — the collusion signals of one lot: pairwise
 * comparisons of the multi-valued fields (part hashes, document metadata,
 * BoQ errors), groups for the single-valued ones (upload address, device,
 * deposit account), and runs of prices in constant difference or ratio. */
#include <assert.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "evaluation/collusion.h"

__extension__ typedef __int128 i128;

#define EVIDENCE_ITEMS_MAX 16   /* matched values listed in one evidence text */

static bool present(const char *s)
{
	return s && s[0];
}

static bool same(const char *a, const char *b)
{
	return present(a) && present(b) && strcmp(a, b) == 0;
}

/* ---- the growing list of signals ---- */

struct siglist {
	struct eval_signal *v;
	size_t n, cap;
};

void eval_signals_free(struct eval_signal *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++) {
		free(s[i].bids);
		free(s[i].evidence);
	}
	free(s);
}

/* Append a signal over bids[nb] (ascending) with the evidence in ev (whose
 * bytes are taken; ev is empty after, also on failure). */
static int sig_add(struct siglist *l, enum eval_signal_kind kind, enum eval_strength st,
		   const size_t *bids, size_t nb, struct et_buf *ev)
{
	struct eval_signal *s;
	size_t len;
	int rc = ET_OK;

	if (l->n == EVAL_COLLUSION_MAX_SIGNALS) {
		rc = et_fail(ET_ELIMIT);
		goto out;
	}
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 16;
		struct eval_signal *nv = realloc(l->v, nc * sizeof *nv);

		if (!nv) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
		l->v = nv;
		l->cap = nc;
	}
	s = &l->v[l->n];
	memset(s, 0, sizeof *s);
	s->kind = kind;
	s->strength = st;
	s->bids = malloc(nb * sizeof *s->bids);
	if (!s->bids) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	memcpy(s->bids, bids, nb * sizeof *bids);
	s->n_bids = nb;
	if (!ev->data && (rc = et_buf_addstr(ev, "")) != ET_OK) {
		free(s->bids);
		goto out;
	}
	s->evidence = (char *)et_buf_steal(ev, &len);
	l->n++;
out:
	et_buf_free(ev);
	return rc;
}

/* Append "; " and the formatted item (no separator for the first) to the
 * evidence; after EVIDENCE_ITEMS_MAX items it ends in "; …" and further items
 * are dropped, and an item that would pass EVAL_EVIDENCE_MAX is dropped too
 * (the signal stands; the panel reads the parts themselves). */
static int ev_itemf(struct et_buf *ev, size_t *count, const char *fmt, ...) ET_PRINTF(3, 4);
static int ev_itemf(struct et_buf *ev, size_t *count, const char *fmt, ...)
{
	va_list ap;
	size_t mark = ev->len;
	int rc = ET_OK;

	if (*count == EVIDENCE_ITEMS_MAX) {
		rc = et_buf_addstr(ev, "; …");
	} else if (*count < EVIDENCE_ITEMS_MAX) {
		if (*count)
			rc = et_buf_addstr(ev, "; ");
		if (rc == ET_OK) {
			va_start(ap, fmt);
			rc = et_buf_vprintf(ev, fmt, ap);
			va_end(ap);
		}
	}
	(*count)++;
	if (rc == ET_ELIMIT) {
		/* keep what is there, without a half item */
		ev->len = mark;
		if (ev->data)
			ev->data[mark] = '\0';
		rc = ET_OK;
	}
	return rc;
}

static int ev_item(struct et_buf *ev, size_t *count, const char *key, const char *val)
{
	return ev_itemf(ev, count, "%s=%s", key, val);
}

/* ---- groups: one value per bid ---- */

static const char *field(const struct eval_collusion_bid *b, enum eval_signal_kind k)
{
	switch (k) {
	case EVAL_SIG_SAME_UPLOAD_ADDR: return b->upload_addr;
	case EVAL_SIG_SAME_DEVICE: return b->device_fp;
	case EVAL_SIG_SAME_DEPOSIT_ACCOUNT: return b->deposit_account;
	default: return NULL;
	}
}

static int groups(struct siglist *l, const struct eval_collusion_bid *bids, size_t n,
		  enum eval_signal_kind kind, size_t *scratch)
{
	static const char *const keys[] = {
		[EVAL_SIG_SAME_UPLOAD_ADDR] = "upload_addr",
		[EVAL_SIG_SAME_DEVICE] = "device_fp",
		[EVAL_SIG_SAME_DEPOSIT_ACCOUNT] = "deposit_account",
	};
	int rc;

	for (size_t i = 0; i < n; i++) {
		const char *v = field(&bids[i], kind);
		bool seen = false;
		size_t ng = 0;
		enum eval_strength st;
		struct et_buf ev;
		size_t count = 0;

		if (!present(v))
			continue;
		for (size_t k = 0; k < i && !seen; k++)
			seen = same(field(&bids[k], kind), v);
		if (seen)
			continue;
		scratch[ng++] = i;
		for (size_t k = i + 1; k < n; k++)
			if (same(field(&bids[k], kind), v))
				scratch[ng++] = k;
		if (ng < 2)
			continue;
		st = kind == EVAL_SIG_SAME_UPLOAD_ADDR ? EVAL_MEDIUM :
			kind == EVAL_SIG_SAME_DEPOSIT_ACCOUNT ? EVAL_STRONG : EVAL_WEAK;
		et_buf_init(&ev, EVAL_EVIDENCE_MAX);
		rc = ev_item(&ev, &count, keys[kind], v);
		if (rc == ET_OK && kind == EVAL_SIG_SAME_DEVICE) {
			/* corroborated when the same bids also came from one address */
			const char *addr = bids[scratch[0]].upload_addr;
			bool all = present(addr);

			for (size_t g = 1; g < ng && all; g++)
				all = same(bids[scratch[g]].upload_addr, addr);
			if (all) {
				st = EVAL_MEDIUM;
				rc = ev_item(&ev, &count, "upload_addr", addr);
			}
		}
		if (rc == ET_OK)
			rc = sig_add(l, kind, st, scratch, ng, &ev);
		et_buf_free(&ev);
		if (rc != ET_OK)
			return rc;
	}
	return ET_OK;
}

/* ---- pairs: sorted sets per bid, merged pair by pair ----
 *
 * Each bid's hashes, authors, software and wrong BoQ lines are sorted and
 * deduplicated once; a pair of bids is then compared by one merge, so a lot
 * costs O(bids² · items) comparisons, not O(bids² · items²). */

struct bid_index {
	const char **sealed, **plain, **author, **software;
	size_t n_sealed, n_plain, n_author, n_software;
	const struct eval_boq_line **wrong;
	size_t n_wrong;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The present values of v[n] (stride bytes apart, at offset off), sorted and
 * deduplicated, into *out (freed by the caller, also on failure). */
static int string_set(const void *v, size_t n, size_t stride, size_t off, const char ***out,
		      size_t *n_out)
{
	const char **a = malloc((n ? n : 1) * sizeof *a);
	size_t k = 0, w = 0;

	*out = a;
	*n_out = 0;
	if (!a)
		return et_fail(ET_ENOMEM);
	for (size_t i = 0; i < n; i++) {
		const char *x = *(const char *const *)((const char *)v + i * stride + off);

		if (present(x))
			a[k++] = x;
	}
	qsort(a, k, sizeof *a, cmp_str);
	for (size_t i = 0; i < k; i++)
		if (w == 0 || strcmp(a[w - 1], a[i]) != 0)
			a[w++] = a[i];
	*n_out = w;
	return ET_OK;
}

/* quantity × unit price, rounded half away from zero to the fen. */
static i128 boq_expected(const struct eval_boq_line *ln)
{
	i128 p = (i128)ln->quantity_milli * ln->unit_price_fen;

	return (p + 500) / 1000;   /* p ≥ 0 */
}

static bool boq_wrong(const struct eval_boq_line *ln)
{
	return present(ln->item) && boq_expected(ln) != ln->total_fen;
}

/* by item code, then written total */
static int cmp_boq(const void *a, const void *b)
{
	const struct eval_boq_line *x = *(const struct eval_boq_line *const *)a;
	const struct eval_boq_line *y = *(const struct eval_boq_line *const *)b;
	int c = strcmp(x->item, y->item);

	if (c != 0)
		return c;
	return x->total_fen < y->total_fen ? -1 : x->total_fen > y->total_fen;
}

static void index_free(struct bid_index *ix, size_t n)
{
	for (size_t i = 0; ix && i < n; i++) {
		free(ix[i].sealed);
		free(ix[i].plain);
		free(ix[i].author);
		free(ix[i].software);
		free(ix[i].wrong);
	}
	free(ix);
}

/* One index per bid into *out (index_free(*out, n), also on failure). */
static int index_build(const struct eval_collusion_bid *bids, size_t n, struct bid_index **out)
{
	struct bid_index *ix = calloc(n ? n : 1, sizeof *ix);
	int rc = ET_OK;

	*out = ix;
	if (!ix)
		return et_fail(ET_ENOMEM);
	for (size_t i = 0; i < n && rc == ET_OK; i++) {
		const struct eval_collusion_bid *b = &bids[i];
		struct bid_index *x = &ix[i];

		if ((rc = string_set(b->sealed_hashes, b->n_sealed, sizeof(char *), 0, &x->sealed,
				     &x->n_sealed)) != ET_OK ||
		    (rc = string_set(b->plain_hashes, b->n_plain, sizeof(char *), 0, &x->plain,
				     &x->n_plain)) != ET_OK ||
		    (rc = string_set(b->docs, b->n_docs, sizeof *b->docs,
				     offsetof(struct eval_doc_meta, author), &x->author,
				     &x->n_author)) != ET_OK ||
		    (rc = string_set(b->docs, b->n_docs, sizeof *b->docs,
				     offsetof(struct eval_doc_meta, software), &x->software,
				     &x->n_software)) != ET_OK)
			break;
		x->wrong = malloc((b->n_boq ? b->n_boq : 1) * sizeof *x->wrong);
		if (!x->wrong) {
			rc = et_fail(ET_ENOMEM);
			break;
		}
		for (size_t k = 0; k < b->n_boq; k++)
			if (boq_wrong(&b->boq[k]))
				x->wrong[x->n_wrong++] = &b->boq[k];
		qsort(x->wrong, x->n_wrong, sizeof *x->wrong, cmp_boq);
		{       /* one line per (item, written total) */
			size_t w = 0;

			for (size_t k = 0; k < x->n_wrong; k++)
				if (w == 0 || cmp_boq(&x->wrong[w - 1], &x->wrong[k]) != 0)
					x->wrong[w++] = x->wrong[k];
			x->n_wrong = w;
		}
	}
	return rc;
}

/* Add "key=value" to ev for every value in both sorted sets. */
static int merge_strings(const char *const *a, size_t na, const char *const *b, size_t nb,
			 const char *key, struct et_buf *ev, size_t *count)
{
	size_t i = 0, j = 0;
	int rc = ET_OK;

	while (i < na && j < nb && rc == ET_OK) {
		int c = strcmp(a[i], b[j]);

		if (c < 0) {
			i++;
		} else if (c > 0) {
			j++;
		} else {
			rc = ev_item(ev, count, key, a[i]);
			i++;
			j++;
		}
	}
	return rc;
}

/* The same wrong total in the same item of both sorted lists. */
static int merge_boq(const struct bid_index *a, const struct bid_index *b, struct et_buf *ev,
		     size_t *count)
{
	size_t i = 0, j = 0;
	int rc = ET_OK;

	while (i < a->n_wrong && j < b->n_wrong && rc == ET_OK) {
		const struct eval_boq_line *la = a->wrong[i], *lb = b->wrong[j];
		int c = cmp_boq(&a->wrong[i], &b->wrong[j]);

		if (c < 0) {
			i++;
		} else if (c > 0) {
			j++;
		} else {
			rc = ev_itemf(ev, count, "boq_item=%s total_fen %lld, expected %lld / %lld",
				      la->item, (long long)la->total_fen,
				      (long long)boq_expected(la), (long long)boq_expected(lb));
			i++;
			j++;
		}
	}
	return rc;
}

/* Every pair signal of one kind. */
static int pairs(struct siglist *l, const struct bid_index *ix, size_t n,
		 enum eval_signal_kind kind)
{
	int rc = ET_OK;

	for (size_t i = 0; i < n && rc == ET_OK; i++) {
		for (size_t j = i + 1; j < n && rc == ET_OK; j++) {
			const struct bid_index *a = &ix[i], *b = &ix[j];
			enum eval_strength st = EVAL_STRONG;
			size_t count = 0, authors = 0;
			struct et_buf ev;

			et_buf_init(&ev, EVAL_EVIDENCE_MAX);
			switch (kind) {
			case EVAL_SIG_SAME_SEALED_PART:
				rc = merge_strings(a->sealed, a->n_sealed, b->sealed, b->n_sealed,
						   "sealed_part", &ev, &count);
				break;
			case EVAL_SIG_SAME_PLAIN_PART:
				rc = merge_strings(a->plain, a->n_plain, b->plain, b->n_plain,
						   "plain_part", &ev, &count);
				break;
			case EVAL_SIG_SAME_METADATA:
				rc = merge_strings(a->author, a->n_author, b->author, b->n_author,
						   "author", &ev, &count);
				authors = count;
				if (rc == ET_OK)
					rc = merge_strings(a->software, a->n_software, b->software,
							   b->n_software, "software", &ev, &count);
				st = authors > 0 ? EVAL_MEDIUM : EVAL_WEAK;
				break;
			case EVAL_SIG_SAME_BOQ_ERROR:
				rc = merge_boq(a, b, &ev, &count);
				break;
			default:
				assert(0);
				break;
			}
			if (rc == ET_OK && count > 0) {
				size_t pair[2] = { i, j };

				rc = sig_add(l, kind, st, pair, 2, &ev);
			}
			et_buf_free(&ev);
		}
	}
	return rc;
}

/* ---- prices in a regular pattern ---- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static bool has_value(const int64_t *v, size_t n, i128 x)
{
	size_t lo = 0, hi = n;

	if (x <= 0 || x > INT64_MAX)
		return false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid] == (int64_t)x)
			return true;
		if (v[mid] < (int64_t)x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static i128 gcd128(i128 a, i128 b)
{
	while (b != 0) {
		i128 t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* The next term after x: x + d (arithmetic) or x · p / q (geometric);
 * 0 when not an integer. */
static i128 next_term(bool geo, i128 x, i128 d, i128 p, i128 q)
{
	if (!geo)
		return x + d;
	return (x * p) % q == 0 ? x * p / q : 0;
}

/* A run of distinct prices v[first], … (chain of values) found: one signal
 * over every bid whose price is in it. */
static int price_signal(struct siglist *l, const struct eval_collusion_bid *bids, size_t n,
			const int64_t *chain, size_t len, bool geo, i128 d, i128 p, i128 q,
			size_t *scratch)
{
	struct et_buf ev;
	size_t ng = 0, count = 0;
	int rc;

	for (size_t k = 0; k < n; k++)
		for (size_t c = 0; c < len; c++)
			if (bids[k].price_fen == chain[c]) {
				scratch[ng++] = k;
				break;
			}
	et_buf_init(&ev, EVAL_EVIDENCE_MAX);
	if (geo)
		rc = et_buf_printf(&ev, "ratio=%lld/%lld", (long long)p, (long long)q);
	else
		rc = et_buf_printf(&ev, "difference_fen=%lld", (long long)d);
	count = 1;
	for (size_t c = 0; c < len && rc == ET_OK; c++) {
		rc = ev_itemf(&ev, &count, "price_fen=%lld", (long long)chain[c]);
	}
	if (rc == ET_OK)
		rc = sig_add(l, EVAL_SIG_PRICE_PATTERN, EVAL_MEDIUM, scratch, ng, &ev);
	et_buf_free(&ev);
	return rc;
}

static int price_patterns(struct siglist *l, const struct eval_collusion_bid *bids, size_t n,
			  size_t *scratch)
{
	int64_t *v = NULL, *chain = NULL;
	size_t nv = 0;
	int rc = ET_OK;

	v = malloc((n ? n : 1) * sizeof *v);
	chain = malloc((n ? n : 1) * sizeof *chain);
	if (!v || !chain) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	for (size_t k = 0; k < n; k++)
		if (bids[k].price_fen > 0)
			v[nv++] = bids[k].price_fen;
	qsort(v, nv, sizeof *v, cmp_i64);
	{       /* distinct values */
		size_t w = 0;

		for (size_t k = 0; k < nv; k++)
			if (w == 0 || v[w - 1] != v[k])
				v[w++] = v[k];
		nv = w;
	}
	for (int geo = 0; geo < 2 && rc == ET_OK; geo++) {
		for (size_t i = 0; i < nv && rc == ET_OK; i++) {
			for (size_t j = i + 1; j < nv && rc == ET_OK; j++) {
				i128 d = (i128)v[j] - v[i], g = gcd128(v[j], v[i]);
				i128 p = v[j] / g, q = v[i] / g;   /* ratio p/q > 1 */
				i128 prev, x;
				size_t len = 2;

				/* only runs that cannot be extended to the left */
				prev = geo ? ((v[i] * q) % p == 0 ? v[i] * q / p : 0) : (i128)v[i] - d;
				if (has_value(v, nv, prev))
					continue;
				chain[0] = v[i];
				chain[1] = v[j];
				x = next_term(geo, v[j], d, p, q);
				while (has_value(v, nv, x)) {
					chain[len++] = (int64_t)x;
					x = next_term(geo, x, d, p, q);
				}
				if (len >= 3)
					rc = price_signal(l, bids, n, chain, len, geo, d, p, q, scratch);
			}
		}
	}
out:
	free(v);
	free(chain);
	return rc;
}

/* ---- the whole ---- */

static int check_bid(const struct eval_collusion_bid *b)
{
	if (!present(b->id) || b->price_fen < 0)
		return et_fail(ET_EINVAL);
	if (b->n_sealed > EVAL_COLLUSION_MAX_ITEMS || b->n_plain > EVAL_COLLUSION_MAX_ITEMS ||
	    b->n_docs > EVAL_COLLUSION_MAX_ITEMS || b->n_boq > EVAL_COLLUSION_MAX_ITEMS)
		return et_fail(ET_ELIMIT);
	if ((b->n_sealed && !b->sealed_hashes) || (b->n_plain && !b->plain_hashes) ||
	    (b->n_docs && !b->docs) || (b->n_boq && !b->boq))
		return et_fail(ET_EINVAL);
	for (size_t k = 0; k < b->n_boq; k++) {
		const struct eval_boq_line *ln = &b->boq[k];

		/* bounds keep quantity × price inside 128 bits and totals sane */
		if (ln->quantity_milli < 0 || ln->unit_price_fen < 0 || ln->total_fen < 0 ||
		    ln->quantity_milli > INT64_C(1000000000000000) ||
		    ln->unit_price_fen > INT64_C(100000000000000000))
			return et_fail(ET_EINVAL);
	}
	return ET_OK;
}

int eval_collusion_detect(const struct eval_collusion_bid *bids, size_t n,
			  struct eval_signal **out, size_t *n_out)
{
	struct siglist l = { 0 };
	struct bid_index *ix = NULL;
	size_t *scratch = NULL;
	int rc;

	if (!out || !n_out)
		return et_fail(ET_EINVAL);
	*out = NULL;
	*n_out = 0;
	if (n > 0 && !bids)
		return et_fail(ET_EINVAL);
	if (n > EVAL_COLLUSION_MAX_BIDS)
		return et_fail(ET_ELIMIT);
	for (size_t k = 0; k < n; k++)
		if ((rc = check_bid(&bids[k])) != ET_OK)
			return rc;
	scratch = malloc((n ? n : 1) * sizeof *scratch);
	if (!scratch)
		return et_fail(ET_ENOMEM);
	if ((rc = index_build(bids, n, &ix)) != ET_OK ||
	    (rc = pairs(&l, ix, n, EVAL_SIG_SAME_SEALED_PART)) != ET_OK ||
	    (rc = pairs(&l, ix, n, EVAL_SIG_SAME_PLAIN_PART)) != ET_OK ||
	    (rc = groups(&l, bids, n, EVAL_SIG_SAME_UPLOAD_ADDR, scratch)) != ET_OK ||
	    (rc = groups(&l, bids, n, EVAL_SIG_SAME_DEVICE, scratch)) != ET_OK ||
	    (rc = pairs(&l, ix, n, EVAL_SIG_SAME_METADATA)) != ET_OK ||
	    (rc = pairs(&l, ix, n, EVAL_SIG_SAME_BOQ_ERROR)) != ET_OK ||
	    (rc = price_patterns(&l, bids, n, scratch)) != ET_OK ||
	    (rc = groups(&l, bids, n, EVAL_SIG_SAME_DEPOSIT_ACCOUNT, scratch)) != ET_OK)
		goto out;
	*out = l.v;
	*n_out = l.n;
	l.v = NULL;
	l.n = 0;
out:
	eval_signals_free(l.v, l.n);
	index_free(ix, n);
	free(scratch);
	return rc;
}

const char *eval_signal_kind_name(enum eval_signal_kind k)
{
	switch (k) {
	case EVAL_SIG_SAME_SEALED_PART: return "same_sealed_part";
	case EVAL_SIG_SAME_PLAIN_PART: return "same_plain_part";
	case EVAL_SIG_SAME_UPLOAD_ADDR: return "same_upload_addr";
	case EVAL_SIG_SAME_DEVICE: return "same_device";
	case EVAL_SIG_SAME_METADATA: return "same_metadata";
	case EVAL_SIG_SAME_BOQ_ERROR: return "same_boq_error";
	case EVAL_SIG_PRICE_PATTERN: return "price_pattern";
	case EVAL_SIG_SAME_DEPOSIT_ACCOUNT: return "same_deposit_account";
	}
	return "unknown";
}

const char *eval_signal_kind_zh(enum eval_signal_kind k)
{
	switch (k) {
	case EVAL_SIG_SAME_SEALED_PART: return "加密投标文件相同";
	case EVAL_SIG_SAME_PLAIN_PART: return "投标文件内容相同";
	case EVAL_SIG_SAME_UPLOAD_ADDR: return "上传地址相同";
	case EVAL_SIG_SAME_DEVICE: return "设备特征码相同";
	case EVAL_SIG_SAME_METADATA: return "文件属性（作者、制作软件）相同";
	case EVAL_SIG_SAME_BOQ_ERROR: return "工程量清单错误一致";
	case EVAL_SIG_PRICE_PATTERN: return "投标报价呈规律性差异";
	case EVAL_SIG_SAME_DEPOSIT_ACCOUNT: return "投标保证金从同一账户转出";
	}
	return "未知";
}

const char *eval_strength_name(enum eval_strength s)
{
	switch (s) {
	case EVAL_WEAK: return "weak";
	case EVAL_MEDIUM: return "medium";
	case EVAL_STRONG: return "strong";
	}
	return "unknown";
}
