/* Framing of the bench protocol (docs/protocol.md): receive and send whole frames. */
#ifndef TB_PROTOCOL_H
#define TB_PROTOCOL_H

#include <stdint.h>

#define TB_PROTOCOL_VERSION 1u
#define TB_MAX_PAYLOAD 1024u

#define TB_SOF0 0xA5u
#define TB_SOF1 0x5Au

enum {
    TB_MSG_PING = 0x01,
    TB_MSG_INFO = 0x02,
    TB_MSG_SET_INPUT = 0x03,
    TB_MSG_INVOKE = 0x04,
    TB_MSG_GET_OUTPUT = 0x05,
    TB_MSG_INVOKE_PARTIAL = 0x06,
    TB_MSG_GET_LAYER_OUTPUT = 0x07,
    TB_MSG_RUNTIME = 0x08,
    TB_MSG_REPLY = 0x80, /* or-ed into the request code */
    TB_MSG_HELLO = 0xF0,
    TB_MSG_FAULT = 0xFE,
    TB_MSG_ERROR = 0xFF,
};

enum {
    TB_PROTO_ERR_BAD_CRC = 1,
    TB_PROTO_ERR_BAD_LENGTH = 2,
    TB_PROTO_ERR_UNKNOWN_COMMAND = 3,
    TB_PROTO_ERR_BAD_ARGUMENT = 4,
    TB_PROTO_ERR_INVOKE_FAILED = 5,
};

typedef struct {
    uint8_t type;
    uint8_t seq;
    uint16_t len;
    uint8_t payload[TB_MAX_PAYLOAD];
} tb_frame_t;

/* Receiver state machine, fed one byte at a time (kept separate from the UART for clarity). */
typedef enum {
    TB_RX_HUNT_SOF0,
    TB_RX_HUNT_SOF1,
    TB_RX_HEADER,
    TB_RX_PAYLOAD,
    TB_RX_CRC,
} tb_rx_state_t;

typedef enum {
    TB_RX_BUSY,       /* need more bytes */
    TB_RX_FRAME,      /* frame complete and its CRC matches */
    TB_RX_BAD_LENGTH, /* header announced more than TB_MAX_PAYLOAD; now hunting again */
    TB_RX_BAD_CRC,    /* frame complete but corrupt; now hunting again */
} tb_rx_event_t;

typedef struct {
    tb_rx_state_t state;
    uint16_t count;
    uint8_t header[4];
    uint32_t crc;
    uint32_t crc_received;
    tb_frame_t frame; /* type and seq stay valid after BAD_LENGTH/BAD_CRC for the error reply */
} tb_rx_t;

void tb_rx_reset(tb_rx_t *rx);
tb_rx_event_t tb_rx_feed(tb_rx_t *rx, uint8_t byte);

/* Blocks until a valid frame arrives; answers framing errors on the way. */
const tb_frame_t *tb_protocol_receive(void);

/* Streaming sender, so replies need not be assembled in RAM first. */
typedef struct {
    uint32_t crc;
    uint16_t remaining;
} tb_tx_t;

void tb_tx_begin(tb_tx_t *tx, uint8_t type, uint8_t seq, uint16_t len);
void tb_tx_write(tb_tx_t *tx, const void *data, uint16_t len);
void tb_tx_u8(tb_tx_t *tx, uint8_t value);
void tb_tx_u16(tb_tx_t *tx, uint16_t value);
void tb_tx_u32(tb_tx_t *tx, uint32_t value);
void tb_tx_end(tb_tx_t *tx);

void tb_protocol_send(uint8_t type, uint8_t seq, const void *payload, uint16_t len);
void tb_protocol_send_error(uint8_t seq, uint8_t code, uint8_t request_type, const char *text);

#endif /* TB_PROTOCOL_H */
