/* SPDX-License-Identifier: BSD-2-Clause */
#include <l4/ipc.h>
#include <l4/thread.h>

const char *L4_ErrorCode_String(L4_Word_t err)
{
	switch (err) {
	case L4_ERROR_OK: return "ok";
	case L4_ERROR_NO_PRIVILEGE: return "no privilege";
	case L4_ERROR_INVALID_THREAD: return "invalid thread";
	case L4_ERROR_INVALID_SPACE: return "invalid space";
	case L4_ERROR_INVALID_SCHEDULER: return "invalid scheduler";
	case L4_ERROR_INVALID_PARAM: return "invalid parameter";
	case L4_ERROR_UTCB_AREA: return "invalid UTCB";
	case L4_ERROR_KIP_AREA: return "invalid KIP area";
	case L4_ERROR_NO_MEM: return "out of memory";
	default: return "unknown error";
	}
}

const char *L4_IpcError_String(L4_Word_t err)
{
	static const char *const kinds[] = {"no error", "timeout", "no such partner", "cancelled",
		"message overflow", "transfer timeout in own space", "transfer timeout in partner's space", "aborted"};
	return kinds[L4_IpcErrorKind(err)];
}
