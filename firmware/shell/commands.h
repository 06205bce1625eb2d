/* The bench's requests, served through tb_runtime.h only. */
#ifndef TB_COMMANDS_H
#define TB_COMMANDS_H

#include "protocol.h"

/* Per-layer cycle counts kept by INVOKE; (1024 - 12) / 4 = 253 would be the most that fits. */
#ifndef TB_MAX_LAYERS
#define TB_MAX_LAYERS 250u
#endif

void tb_commands_send_hello(void);

/* Sends exactly one reply (or ERROR) frame for the request. */
void tb_commands_handle(const tb_frame_t *request);

#endif /* TB_COMMANDS_H */
