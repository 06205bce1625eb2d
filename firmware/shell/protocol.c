#include "protocol.h"

#include "crc32.h"
#include "uart0.h"

void tb_rx_reset(tb_rx_t *rx)
{
    rx->state = TB_RX_HUNT_SOF0;
    rx->count = 0;
}

static tb_rx_event_t tb_rx_header_done(tb_rx_t *rx)
{
    rx->frame.type = rx->header[0];
    rx->frame.seq = rx->header[1];
    rx->frame.len = (uint16_t)(rx->header[2] | (rx->header[3] << 8));
    if (rx->frame.len > TB_MAX_PAYLOAD) {
        /* Answer now rather than wait for a payload we could not store. */
        tb_rx_reset(rx);
        return TB_RX_BAD_LENGTH;
    }
    rx->crc = tb_crc32_update(0u, rx->header, sizeof rx->header);
    rx->crc_received = 0u;
    rx->count = 0;
    rx->state = rx->frame.len > 0 ? TB_RX_PAYLOAD : TB_RX_CRC;
    return TB_RX_BUSY;
}

tb_rx_event_t tb_rx_feed(tb_rx_t *rx, uint8_t byte)
{
    switch (rx->state) {
    case TB_RX_HUNT_SOF0:
        if (byte == TB_SOF0) {
            rx->state = TB_RX_HUNT_SOF1;
        }
        break;
    case TB_RX_HUNT_SOF1:
        /* A5 A5 5A still starts a frame at the second A5. */
        if (byte == TB_SOF1) {
            rx->state = TB_RX_HEADER;
            rx->count = 0;
        } else if (byte != TB_SOF0) {
            rx->state = TB_RX_HUNT_SOF0;
        }
        break;
    case TB_RX_HEADER:
        rx->header[rx->count++] = byte;
        if (rx->count == sizeof rx->header) {
            return tb_rx_header_done(rx);
        }
        break;
    case TB_RX_PAYLOAD:
        rx->frame.payload[rx->count++] = byte;
        if (rx->count == rx->frame.len) {
            rx->crc = tb_crc32_update(rx->crc, rx->frame.payload, rx->frame.len);
            rx->count = 0;
            rx->state = TB_RX_CRC;
        }
        break;
    case TB_RX_CRC:
        rx->crc_received |= (uint32_t)byte << (8u * rx->count);
        rx->count++;
        if (rx->count == 4u) {
            const int ok = rx->crc_received == rx->crc;
            tb_rx_reset(rx);
            return ok ? TB_RX_FRAME : TB_RX_BAD_CRC;
        }
        break;
    default:
        tb_rx_reset(rx);
        break;
    }
    return TB_RX_BUSY;
}

static tb_rx_t tb_rx;

const tb_frame_t *tb_protocol_receive(void)
{
    tb_rx_reset(&tb_rx);
    for (;;) {
        switch (tb_rx_feed(&tb_rx, tb_uart_getc())) {
        case TB_RX_FRAME:
            return &tb_rx.frame;
        case TB_RX_BAD_LENGTH:
            tb_protocol_send_error(tb_rx.frame.seq, TB_PROTO_ERR_BAD_LENGTH, tb_rx.frame.type,
                                   "payload length over 1024");
            break;
        case TB_RX_BAD_CRC:
            tb_protocol_send_error(tb_rx.frame.seq, TB_PROTO_ERR_BAD_CRC, tb_rx.frame.type,
                                   "CRC mismatch");
            break;
        case TB_RX_BUSY:
        default:
            break;
        }
    }
}

static void tb_tx_raw(tb_tx_t *tx, const uint8_t *data, uint16_t len)
{
    tx->crc = tb_crc32_update(tx->crc, data, len);
    tb_uart_write(data, len);
}

void tb_tx_begin(tb_tx_t *tx, uint8_t type, uint8_t seq, uint16_t len)
{
    static const uint8_t sof[2] = {TB_SOF0, TB_SOF1};
    const uint8_t header[4] = {type, seq, (uint8_t)len, (uint8_t)(len >> 8)};
    tb_uart_write(sof, sizeof sof);
    tx->crc = 0u;
    tx->remaining = len;
    tb_tx_raw(tx, header, sizeof header);
}

void tb_tx_write(tb_tx_t *tx, const void *data, uint16_t len)
{
    /* Never send more than the header announced, or the host loses the framing. */
    if (len > tx->remaining) {
        len = tx->remaining;
    }
    tx->remaining = (uint16_t)(tx->remaining - len);
    tb_tx_raw(tx, data, len);
}

void tb_tx_u8(tb_tx_t *tx, uint8_t value)
{
    tb_tx_write(tx, &value, 1u);
}

void tb_tx_u16(tb_tx_t *tx, uint16_t value)
{
    const uint8_t b[2] = {(uint8_t)value, (uint8_t)(value >> 8)};
    tb_tx_write(tx, b, sizeof b);
}

void tb_tx_u32(tb_tx_t *tx, uint32_t value)
{
    const uint8_t b[4] = {(uint8_t)value, (uint8_t)(value >> 8), (uint8_t)(value >> 16),
                          (uint8_t)(value >> 24)};
    tb_tx_write(tx, b, sizeof b);
}

void tb_tx_end(tb_tx_t *tx)
{
    /* Pad a short reply for the same reason tb_tx_write truncates a long one. */
    while (tx->remaining > 0u) {
        tb_tx_u8(tx, 0u);
    }
    const uint32_t crc = tx->crc;
    const uint8_t b[4] = {(uint8_t)crc, (uint8_t)(crc >> 8), (uint8_t)(crc >> 16),
                          (uint8_t)(crc >> 24)};
    tb_uart_write(b, sizeof b);
}

void tb_protocol_send(uint8_t type, uint8_t seq, const void *payload, uint16_t len)
{
    tb_tx_t tx;
    tb_tx_begin(&tx, type, seq, len);
    tb_tx_write(&tx, payload, len);
    tb_tx_end(&tx);
}

void tb_protocol_send_error(uint8_t seq, uint8_t code, uint8_t request_type, const char *text)
{
    uint16_t text_len = 0;
    while (text[text_len] != '\0' && text_len < TB_MAX_PAYLOAD - 4u) {
        text_len++;
    }
    tb_tx_t tx;
    tb_tx_begin(&tx, TB_MSG_ERROR, seq, (uint16_t)(4u + text_len));
    tb_tx_u8(&tx, code);
    tb_tx_u8(&tx, request_type);
    tb_tx_u16(&tx, 0u);
    tb_tx_write(&tx, text, text_len);
    tb_tx_end(&tx);
}
