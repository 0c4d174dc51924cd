/* client/modules.c — the domain modules whose apply code `etender audit
 * verify` replays the public log with. One place to wire them: the client
 * links the domain modules for their apply code, never web/. */
#include "evaluation/evaluation.h"
#include "client/client.h"

const struct audit_module *const *client_replay_modules(size_t *n)
{
	return ev_ledger_modules(n);  /* tender's modules, bidding's, then evaluation's */
}
