/* client/etender.c — the etender command for every role: dispatches to the
 * subcommands. Sealing and share release happen here, on the user's own
 * machine, never on the server. */
#include <stdio.h>
#include <string.h>

#include "client/client.h"

static const char usage[] =
	"用法 / usage: etender COMMAND [ARGS]   (etender COMMAND --help)\n"
	"\n"
	"  keygen            生成身份密钥 / make an identity (X25519 + Ed25519)\n"
	"  seal              加密（密封）文件 / seal a file as age v1 (recipients, k-of-n holders)\n"
	"  unseal            解密文件 / open an age v1 file (identities or k holders' keys)\n"
	"  holder keygen     保管人本项目密钥 / a key holder's fresh per-tender key\n"
	"  share unwrap      保管人解出份额 / a holder unwraps its own share\n"
	"  share combine     合成份额并解密 / combine k shares and open\n"
	"  log               本地 Merkle 日志 / a local signed Merkle log (init, append,\n"
	"                    checkpoint, prove, consistency, verify)\n"
	"  witness           监督人见证服务 / the supervisor's witness (keygen, serve)\n"
	"  pin               固定的服务器公钥 / pinned log and witness keys of a server\n"
	"  audit verify      审计公开日志并重放 / audit a server's public log and replay it\n"
	"\n"
	"  平台 / the platform (etenderd), COMMAND --help for each:\n"
	"  login, logout, whoami, passwd   登录与会话 / session (token saved 0600)\n"
	"  key register      登记本人公钥（持有证明）/ register your keys (proof of possession)\n"
	"  org add, user add|show, credit add          管理员 / administrator\n"
	"  tender draft|publish|cancel|show|list       招标项目 / tenders\n"
	"  keyholders propose|approve|show             开标密钥保管人 / key-holder set\n"
	"  holder register   保管人提交本项目密钥 / a holder submits its per-tender key\n"
	"  document upload|list|download               招标文件 / documents\n"
	"  register, registrations                     投标人报名 / bidder registration\n"
	"  question ask|list, clarify, clarifications  提问与澄清 / questions, clarifications\n"
	"  deadline propose|approve                    截止时间变更（双人）/ deadline change (two people)\n"
	"  bid submit|withdraw|reconfirm               密封投标与回执 / sealed bids, receipts\n"
	"  notices           投标后的澄清或修改通知 / amendments after your bids\n"
	"  receipt verify    离线核验回执 / verify a bid receipt offline\n"
	"  stats import|report|chart                   统计人员 / statistics, open data, charts\n"
	"  open status|release|record|confirm|object   开标 / the opening ceremony\n"
	"  deposit record|release|return|due           投标保证金（登记、中标后退还、撤回后退还）/ bid deposits (administrator)\n"
	"  expert add|import|status|relation|penalty|list  评标专家库 / the expert pool (administrator)\n"
	"  draw request|commit|reveal|show|verify      抽取评标专家 / the verifiable draw of the panel\n"
	"  panel decline|replace|extend|chair-vote|dissent|reject  评标委员会 / the panel's work\n"
	"  bids show         评标委员会查看已开标投标 / the opened bids, for the panel\n"
	"  score submit|show 签名提交评分表 / signed score sheets (experts)\n"
	"  review record|show                          初步评审 / the panel's compliance review\n"
	"  adjust            评审价格调整（组长）/ a price adjustment, lowest evaluated price (the chair)\n"
	"  explain ask|list|answer|reject              异常低价的澄清说明与否决 / explanations of abnormally low prices\n"
	"  report submit|show|sign|verify              评标报告 / the evaluation report\n"
	"  result publish|show, objection lodge|answer 中标候选人公示与异议 / candidates, objections\n"
	"  award, contract record                      定标与合同 / award and contract (agent)\n"
	"  print opening|report|award                  打印文件（HTML，含日志引用）/ printable documents\n"
	"  reference submit  密封上传标底 / seal and upload the reference price (agent)\n";

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{ "keygen", client_cmd_keygen }, { "seal", client_cmd_seal },
		{ "unseal", client_cmd_unseal }, { "holder", client_cmd_holder },
		{ "share", client_cmd_share },   { "log", client_cmd_log },
		{ "witness", client_cmd_witness }, { "pin", client_cmd_pin },
		{ "audit", client_cmd_audit },
		{ "login", client_cmd_login }, { "logout", client_cmd_logout },
		{ "whoami", client_cmd_whoami }, { "passwd", client_cmd_passwd },
		{ "key", client_cmd_key }, { "org", client_cmd_org },
		{ "user", client_cmd_user }, { "credit", client_cmd_credit },
		{ "tender", client_cmd_tender }, { "keyholders", client_cmd_keyholders },
		{ "document", client_cmd_document }, { "clarify", client_cmd_clarify },
		{ "clarifications", client_cmd_clarifications }, { "deadline", client_cmd_deadline },
		{ "register", client_cmd_register }, { "registrations", client_cmd_registrations },
		{ "notices", client_cmd_notices },
		{ "question", client_cmd_question }, { "bid", client_cmd_bid },
		{ "reference", client_cmd_reference },
		{ "receipt", client_cmd_receipt }, { "open", client_cmd_open },
		{ "deposit", client_cmd_deposit }, { "stats", client_cmd_stats },
		{ "expert", client_cmd_expert }, { "draw", client_cmd_draw },
		{ "panel", client_cmd_panel }, { "bids", client_cmd_bids },
		{ "score", client_cmd_score }, { "report", client_cmd_report },
		{ "review", client_cmd_review }, { "adjust", client_cmd_adjust },
		{ "explain", client_cmd_explain },
		{ "result", client_cmd_result }, { "objection", client_cmd_objection },
		{ "award", client_cmd_award }, { "contract", client_cmd_contract },
		{ "print", client_cmd_print },
	};
	size_t i;

	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		fputs(usage, stdout);
		return 0;
	}
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "etender: 未知命令 / unknown command: %s\n%s", argv[1], usage);
	return 2;
}
