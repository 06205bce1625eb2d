/* Text formatting for the MLPerf Tiny shell without printf: newlib-nano's printf has no
 * floats unless linked with -u _printf_float, which costs flash and heap. */
#ifndef TB_MLPERF_FORMAT_H
#define TB_MLPERF_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* Room for any tb_format_fixed3 result: sign, 39 integer digits (2^128), point, 3 digits, NUL. */
#define TB_FIXED3_MAX 48u

/* `value` with exactly three decimals, rounded half to even on its exact binary value (as
 * Python's format(value, ".3f") does), a '-' whenever the sign bit is set, "nan" / "inf" /
 * "-inf" for the specials. Writes a NUL-terminated string to `out` (TB_FIXED3_MAX bytes) and
 * returns its length. */
size_t tb_format_fixed3(float value, char out[TB_FIXED3_MAX]);

/* `value` in decimal, NUL-terminated; `out` holds 11 bytes. Returns the length. */
size_t tb_format_u32(uint32_t value, char out[11]);

#endif /* TB_MLPERF_FORMAT_H */
