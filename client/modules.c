/* client/modules.c — the domain modules whose apply code `etender audit
 * verify` replays the public log with. One place to wire them: the client
 * links the domain modules for their apply code, never web/. The order is
 * etenderd's (web_modules): tender's, bidding's, evaluation's, then statistics. */
#include "evaluation/evaluation.h"
#include "client/client.h"
#include "stats/stats.h"

const struct audit_module *const *client_replay_modules(size_t *n)
{
	static const struct audit_module *mods[16];
	static size_t nmods;

	if (!nmods) {
		size_t nb = 0, ns = 0;
		const struct audit_module *const *b = ev_ledger_modules(&nb);
		const struct audit_module *const *s = stats_ledger_modules(&ns);

		for (size_t i = 0; i < nb && nmods < sizeof mods / sizeof mods[0]; i++)
			mods[nmods++] = b[i];
		for (size_t i = 0; i < ns && nmods < sizeof mods / sizeof mods[0]; i++)
			mods[nmods++] = s[i];
	}
	*n = nmods;
	return (const struct audit_module *const *)mods;
}
