/* SELECT_V2 (int8): condition ? x : y with broadcasting, values copied as stored. */
#include "select/tb_select.h"

TB_DEFINE_SELECT(tb_select_v2_s8, int8_t)
