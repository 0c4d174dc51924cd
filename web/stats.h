/* web/stats.h — the statistician's routes (web/stats.c), registered in the
 * table of web/routes.c: POST /api/stats/import and GET /api/stats. */
#ifndef ET_WEB_STATS_H
#define ET_WEB_STATS_H

struct web_req;
struct web_reply;

int web_stats_import(struct web_req *r, struct web_reply *rep);
int web_stats_report(struct web_req *r, struct web_reply *rep);

#endif
