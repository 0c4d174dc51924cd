/* core/result.c — messages for the project's result codes, in Chinese and
 * English, and the thread-local record of where a rare failure arose. */
#include <stdio.h>

#include "core/core.h"

struct et_msg {
	const char *en;
	const char *zh;
	const char *both;
};

#define M(en, zh) { en, zh, zh " / " en }
static const struct et_msg msgs[ET_RESULT_COUNT] = {
	[ET_OK] = M("success", "成功"),
	[ET_EINVAL] = M("invalid input", "输入无效"),
	[ET_ENOMEM] = M("out of memory", "内存不足"),
	[ET_EIO] = M("input/output error", "读写错误"),
	[ET_ECRYPTO] = M("cryptographic operation failed", "密码运算失败"),
	[ET_EDB] = M("database error", "数据库错误"),
	[ET_EDENIED] = M("permission denied", "无权操作"),
	[ET_ESTATE] = M("not allowed in the current state", "当前状态下不允许此操作"),
	[ET_ENOTFOUND] = M("not found", "未找到"),
	[ET_EEXIST] = M("already exists", "已存在"),
	[ET_ELIMIT] = M("input exceeds a size limit", "输入超出大小限制"),
	[ET_EVERIFY] = M("verification failed", "验证失败"),
	[ET_ENOMATCH] = M("no identity matches this file (wrong key?)", "没有匹配此文件的身份密钥（密钥错误？）"),
	[ET_EHEADER] = M("malformed age header", "age 文件头格式错误"),
	[ET_EHMAC] = M("age header MAC does not verify (wrong key or tampered header)",
		       "age 文件头 MAC 校验失败（密钥错误或文件头被篡改）"),
	[ET_EPAYLOAD] = M("encrypted payload is corrupt or truncated", "加密内容损坏或被截断"),
	[ET_EARMOR] = M("malformed ASCII armor", "ASCII 封装格式错误"),
	[ET_ESEALER] = M("sealed shares are malformed or do not combine (sealer's fault)",
			 "密封份额格式错误或无法合成（密封方责任）"),
	[ET_EKEY] = M("key does not match the registered key", "密钥与登记的公钥不符"),
	[ET_ECONFLICT] = M("conflicting concurrent change; try again", "并发修改冲突，请重试"),
	[ET_ETIMEOUT] = M("time limit passed", "已超过时间限制"),
};
#undef M

static const struct et_msg *lookup(int rc)
{
	static const struct et_msg unknown = { "unknown error", "未知错误", "未知错误 / unknown error" };
	if (rc < 0 || rc >= ET_RESULT_COUNT || !msgs[rc].en)
		return &unknown;
	return &msgs[rc];
}

const char *et_strerror(int rc) { return lookup(rc)->en; }
const char *et_strerror_zh(int rc) { return lookup(rc)->zh; }
const char *et_strerror_both(int rc) { return lookup(rc)->both; }

static _Thread_local char last_failure[128];

int et_fail_at(int rc, const char *func, int line)
{
	snprintf(last_failure, sizeof last_failure, "%s:%d", func, line) < 0 ? (void)0 : (void)0;
	return rc;
}

const char *et_last_failure(void)
{
	return last_failure;
}
