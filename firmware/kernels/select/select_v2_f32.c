/* SELECT_V2 (float32): condition ? x : y with broadcasting, values copied as stored. */
#include "select/tb_select.h"

TB_DEFINE_SELECT(tb_select_v2_f32, float)
