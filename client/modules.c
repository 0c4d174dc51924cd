/* client/modules.c — the domain modules whose apply code `etender audit
 * verify` replays the public log with. One place to wire them: the client
 * links the domain modules for their apply code, never web/. */
#include "client/client.h"

/* None yet: the tender/ module's apply code arrives with the `domain`
 * branch, as tender_ledger_modules(size_t *n) in tender/tender.h; then
 * return that here (and add tender_dep to client/meson.build). Until then
 * a public event of a domain kind makes the replay report "no module
 * applies KIND". */
const struct audit_module *const *client_replay_modules(size_t *n)
{
	static const struct audit_module *const none[1] = { NULL };

	*n = 0;
	return none;
}
