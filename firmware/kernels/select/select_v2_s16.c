/* SELECT_V2 (int16): condition ? x : y with broadcasting, values copied as stored. */
#include "select/tb_select.h"

TB_DEFINE_SELECT(tb_select_v2_s16, int16_t)
