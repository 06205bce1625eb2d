/* CRC-32 (IEEE 802.3), bit-compatible with Python's zlib.crc32. */
#ifndef TB_CRC32_H
#define TB_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Like zlib.crc32(data, crc): start with 0, chain by passing the previous result. */
uint32_t tb_crc32_update(uint32_t crc, const void *data, size_t len);

#endif /* TB_CRC32_H */
