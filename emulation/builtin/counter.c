/*
 * Exact retired-instruction counting for Thumb-2 firmware on Unicorn.
 *
 * A UC_HOOK_BLOCK callback adds the number of instructions of each translated
 * block when the block is entered. The number is found by decoding the
 * block's halfwords (a halfword whose top five bits are 0b11101, 0b11110 or
 * 0b11111 starts a 32-bit instruction) once per (address, size) and caching
 * it in an open-addressing hash table. Instructions inside IT blocks count
 * whether their condition passes or not, as on silicon.
 *
 * Stopping from this hook (uc_emu_stop) keeps the block from executing, so
 * a block is counted only when the hook lets it run: budget stops, requested
 * stops and deadline stops all leave the count exact, at a block boundary.
 *
 * Beside the count, each block gets an estimated Cortex-M4 cycle cost from a
 * static per-instruction timing model (docs/cycle-model.md), cached with the
 * count; a block entered anywhere but the previous block's fall-through adds
 * a pipeline refill (the previous block ended in a taken branch). The
 * estimate is a model, never a measurement.
 *
 * The block hook also enforces an architectural check Unicorn lacks: a
 * floating-point instruction while CPACR has CP10/CP11 disabled (NOCP). A
 * code hook, installed only while CCR.DIV_0_TRP is set, traps divides by 0.
 *
 * libunicorn is not linked: the Python side passes the addresses of the
 * libunicorn functions it already loaded, so this library works with
 * whichever libunicorn the unicorn package ships.
 */
#define _POSIX_C_SOURCE 199309L

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unicorn/unicorn.h>

typedef uc_err (*tbc_hook_add_fn)(uc_engine *uc, uc_hook *hh, int type,
                                  void *callback, void *user_data,
                                  uint64_t begin, uint64_t end, ...);
typedef uc_err (*tbc_hook_del_fn)(uc_engine *uc, uc_hook hh);
typedef uc_err (*tbc_mem_read_fn)(uc_engine *uc, uint64_t address,
                                  void *bytes, uint64_t size);
typedef uc_err (*tbc_emu_stop_fn)(uc_engine *uc);
typedef uc_err (*tbc_reg_read_fn)(uc_engine *uc, int regid, void *value);

/* Timing model constants (Cortex-M4 TRM instruction timings; docs/cycle-model.md). */
enum {
    TBC_BRANCH_REFILL = 2,    /* P: pipeline refill after a taken branch, 1..3 */
    TBC_LOAD_STORE = 2,       /* single LDR/STR; 1 when it follows another */
    TBC_DIVIDE = 7,           /* SDIV/UDIV take 2..12, data dependent: midpoint */
    TBC_FP_MAC = 3,           /* VMLA/VMLS/VNMLA/VNMLS/VFMA/VFMS/VFNMA/VFNMS */
    TBC_FP_DIV_SQRT = 14,     /* VDIV, VSQRT */
    TBC_EXCEPTION_ENTRY = 12  /* stacking and vector fetch */
};

typedef struct {
    uint64_t key;     /* (address << 32) | size */
    uint32_t count;   /* instructions in the block */
    uint32_t used;
    uint32_t cycles;  /* estimated cycles, without the taken-branch term */
    int32_t first_fp; /* offset of the first FP instruction, -1 if none */
} tbc_slot;

/* What decoding a range gives. */
typedef struct {
    int64_t count;    /* instructions; -1 if unreadable */
    uint64_t cycles;
    int64_t first_fp; /* offset of the first FP instruction, -1 if none */
} tbc_block_info;

typedef struct {
    uc_engine *uc;
    tbc_hook_add_fn hook_add;
    tbc_hook_del_fn hook_del;
    tbc_mem_read_fn mem_read;
    tbc_emu_stop_fn emu_stop;
    tbc_reg_read_fn reg_read;
    int reg_r0;          /* UC_ARM_REG_R0; R1..R12 follow it */
    uc_hook hook;
    int installed;

    uint64_t total;      /* instructions of all blocks entered */
    uint64_t limit;      /* never run past this total; 0 = no limit */
    int limit_hit;
    int stop_requested;  /* stop at the next block boundary */
    int stopped;         /* a requested stop happened */
    uint64_t deadline_ns; /* CLOCK_MONOTONIC deadline; 0 = none */
    int deadline_hit;
    uint32_t ticks;

    uint64_t block_addr; /* the block entered last */
    uint32_t block_size;
    uint64_t block_base; /* total before that block was entered */
    uint64_t blocks_entered;
    int decode_error;    /* a block's bytes could not be read */

    uint64_t cycles;            /* estimated cycles of all blocks entered */
    uint64_t block_cycles_base; /* estimate before the block entered last */
    uint64_t next_expected;     /* where execution falls through to */

    int fpu_enabled;     /* CPACR grants CP10 and CP11 */
    int nocp_hit;        /* an FP instruction met a disabled FPU */
    uint64_t nocp_addr;
    uc_hook div_hook;    /* installed while CCR.DIV_0_TRP is set */
    int div_hook_installed;
    int div0_hit;        /* a divide by zero was trapped */
    uint64_t div0_addr;

    uint64_t memo_key;   /* the block looked up last, to skip the hash in tight loops */
    tbc_block_info memo;

    tbc_slot *slots;
    size_t capacity;     /* power of two */
    size_t used;
} tbc_counter;

enum { TBC_CHUNK = 4096, TBC_INITIAL_CAPACITY = 4096 };

static uint32_t tbc_popcount(uint32_t x)
{
    uint32_t n = 0;
    while (x != 0u) {
        x &= x - 1u;
        n++;
    }
    return n;
}

/* One instruction as the timing model and the checks see it. */
typedef struct {
    uint32_t cycles;
    int load_store; /* a single load or store: pipelines with the next one */
    int fp;         /* coprocessor 10/11: needs CPACR CP10/CP11 */
} tbc_insn;

static uint32_t tbc_fp_cycles(uint16_t hw1, uint16_t hw2)
{
    if ((hw1 & 0xFE00u) == 0xEC00u) {
        if ((hw1 & 0xFFE0u) == 0xEC40u) {
            return 2u; /* VMOV between two core registers and FP registers */
        }
        if ((hw1 & 0xFF20u) == 0xED00u) {
            return 2u; /* VLDR, VSTR */
        }
        return 1u + (hw2 & 0xFFu); /* VLDM, VSTM, VPUSH, VPOP: 1 + words */
    }
    if ((hw1 & 0xFF00u) != 0xEE00u || (hw2 & 0x10u) != 0u) {
        return 1u; /* VMOV core <-> S, VMRS, VMSR */
    }
    switch ((hw1 >> 4) & 0xBu) { /* opc1, the D bit masked out */
    case 0x0u:
    case 0x1u:
    case 0x9u:
    case 0xAu:
        return TBC_FP_MAC;
    case 0x8u:
        return TBC_FP_DIV_SQRT; /* VDIV */
    case 0xBu:
        if ((hw1 & 0xFu) == 1u && (hw2 & 0xC0u) == 0xC0u) {
            return TBC_FP_DIV_SQRT; /* VSQRT */
        }
        return 1u; /* VMOV immediate/register, VABS, VNEG, VCMP, VCVT */
    default:
        return 1u; /* VMUL, VNMUL, VADD, VSUB */
    }
}

static uint32_t tbc_load_store(int after_load_store)
{
    return after_load_store ? 1u : (uint32_t)TBC_LOAD_STORE;
}

static tbc_insn tbc_classify16(uint16_t hw, int after_load_store)
{
    tbc_insn r = {1u, 0, 0};
    const unsigned top4 = hw >> 12;
    if ((hw & 0xF800u) == 0x4800u || (top4 >= 0x5u && top4 <= 0x9u)) {
        r.load_store = 1; /* LDR literal, register and immediate forms, SP-relative */
        r.cycles = tbc_load_store(after_load_store);
    } else if ((hw & 0xFE00u) == 0xB400u || (hw & 0xFE00u) == 0xBC00u) {
        r.cycles = 1u + tbc_popcount(hw & 0x1FFu); /* PUSH/POP, LR/PC included */
    } else if (top4 == 0xCu) {
        r.cycles = 1u + tbc_popcount(hw & 0xFFu); /* LDMIA/STMIA */
    }
    return r;
}

static tbc_insn tbc_classify32(uint16_t hw1, uint16_t hw2, int after_load_store)
{
    tbc_insn r = {1u, 0, 0};
    if ((hw1 & 0xFE40u) == 0xE800u) {
        const unsigned op = (hw1 >> 7) & 3u;
        if (op == 1u || op == 2u) {
            r.cycles = 1u + tbc_popcount(hw2); /* LDM/STM, PUSH.W/POP.W */
        }
    } else if ((hw1 & 0xFE40u) == 0xE840u) {
        if ((hw1 & 0xFFF0u) == 0xE8D0u && (hw2 & 0xFFE0u) == 0xF000u) {
            r.cycles = 2u; /* TBB/TBH, plus the refill of the branch */
        } else if ((hw1 & 0xFFE0u) == 0xE840u) {
            r.cycles = 2u; /* LDREX/STREX */
        } else {
            r.cycles = 3u; /* LDRD/STRD: 1 + 2 words */
        }
    } else if ((hw1 & 0xEC00u) == 0xEC00u && ((hw2 >> 9) & 7u) == 5u) {
        r.fp = 1;
        r.cycles = tbc_fp_cycles(hw1, hw2);
    } else if ((hw1 & 0xFE00u) == 0xF800u) {
        r.load_store = 1; /* LDR/STR (B, H, SB, SH) 32-bit forms, PLD */
        r.cycles = tbc_load_store(after_load_store);
    } else if ((hw1 & 0xFFF0u) == 0xFB90u || (hw1 & 0xFFF0u) == 0xFBB0u) {
        r.cycles = TBC_DIVIDE;
    } else if ((hw1 & 0xFFF0u) == 0xF3B0u && (hw2 & 0xFFF0u) == 0x8F60u) {
        r.cycles = 1u + TBC_BRANCH_REFILL; /* ISB flushes the pipeline */
    }
    /* Everything else, multiplies and MACs included (single cycle on the M4): 1. */
    return r;
}

/* Instructions, estimated cycles and the first FP instruction of [addr, addr + size). */
static tbc_block_info tbc_decode(tbc_counter *c, uint64_t addr, uint64_t size)
{
    uint8_t buf[TBC_CHUNK + 2];
    tbc_block_info info = {0, 0u, -1};
    uint64_t pos = addr;
    const uint64_t end = addr + size;
    int after_load_store = 0;
    while (pos + 1 < end) {
        uint64_t len = end - pos;
        if (len > TBC_CHUNK) {
            len = TBC_CHUNK;
        }
        if (c->mem_read(c->uc, pos, buf, len) != UC_ERR_OK) {
            info.count = -1;
            return info;
        }
        uint64_t i = 0;
        while (i + 1 < len) {
            const uint16_t hw1 = (uint16_t)(buf[i] | (buf[i + 1] << 8));
            tbc_insn insn;
            if ((hw1 >> 11) >= 0x1Du) {
                uint16_t hw2 = 0u;
                if (i + 3 < len) {
                    hw2 = (uint16_t)(buf[i + 2] | (buf[i + 3] << 8));
                } else if (c->mem_read(c->uc, pos + i + 2, &buf[len], 2) == UC_ERR_OK) {
                    hw2 = (uint16_t)(buf[len] | (buf[len + 1] << 8));
                }
                insn = tbc_classify32(hw1, hw2, after_load_store);
                if (insn.fp && info.first_fp < 0) {
                    info.first_fp = (int64_t)(pos + i - addr);
                }
                i += 4u;
            } else {
                insn = tbc_classify16(hw1, after_load_store);
                i += 2u;
            }
            info.count++;
            info.cycles += insn.cycles;
            after_load_store = insn.load_store;
        }
        /* i may pass len by 2 when a 32-bit instruction straddles chunks. */
        pos += i;
    }
    return info;
}

static uint64_t tbc_hash(uint64_t key)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return key;
}

static int tbc_grow(tbc_counter *c)
{
    size_t capacity = c->capacity ? c->capacity * 2 : TBC_INITIAL_CAPACITY;
    tbc_slot *slots = calloc(capacity, sizeof(tbc_slot));
    if (slots == NULL) {
        return -1;
    }
    for (size_t i = 0; i < c->capacity; i++) {
        if (!c->slots[i].used) {
            continue;
        }
        size_t j = tbc_hash(c->slots[i].key) & (capacity - 1);
        while (slots[j].used) {
            j = (j + 1) & (capacity - 1);
        }
        slots[j] = c->slots[i];
    }
    free(c->slots);
    c->slots = slots;
    c->capacity = capacity;
    return 0;
}

static tbc_block_info tbc_lookup(tbc_counter *c, uint64_t key, uint64_t addr, uint32_t size);

/* Cached facts of a block; count -1 if its bytes cannot be read. */
static tbc_block_info tbc_block(tbc_counter *c, uint64_t addr, uint32_t size)
{
    uint64_t key = (addr << 32) | size;
    if (key == c->memo_key) {
        return c->memo;
    }
    tbc_block_info found = tbc_lookup(c, key, addr, size);
    if (found.count >= 0) {
        c->memo_key = key;
        c->memo = found;
    }
    return found;
}

static tbc_block_info tbc_lookup(tbc_counter *c, uint64_t key, uint64_t addr, uint32_t size)
{
    size_t mask = c->capacity - 1;
    size_t j = tbc_hash(key) & mask;
    while (c->slots[j].used) {
        if (c->slots[j].key == key) {
            tbc_block_info cached = {c->slots[j].count, c->slots[j].cycles,
                                     c->slots[j].first_fp};
            return cached;
        }
        j = (j + 1) & mask;
    }
    tbc_block_info info = tbc_decode(c, addr, size);
    if (info.count < 0) {
        return info;
    }
    if ((c->used + 1) * 2 > c->capacity) {
        if (tbc_grow(c) != 0) {
            return info; /* out of memory: count without caching */
        }
        mask = c->capacity - 1;
        j = tbc_hash(key) & mask;
        while (c->slots[j].used) {
            j = (j + 1) & mask;
        }
    }
    c->slots[j].key = key;
    c->slots[j].count = (uint32_t)info.count;
    c->slots[j].cycles = (uint32_t)info.cycles;
    c->slots[j].first_fp = (int32_t)info.first_fp;
    c->slots[j].used = 1;
    c->used++;
    return info;
}

static uint64_t tbc_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void tbc_block_hook(uc_engine *uc, uint64_t address, uint32_t size,
                           void *user_data)
{
    tbc_counter *c = user_data;
    if (c->stop_requested) {
        c->stop_requested = 0;
        c->stopped = 1;
        c->emu_stop(uc);
        return;
    }
    if (c->deadline_ns != 0 && (++c->ticks & 0x3FFu) == 0 &&
        tbc_now_ns() >= c->deadline_ns) {
        c->deadline_hit = 1;
        c->emu_stop(uc);
        return;
    }
    tbc_block_info info = tbc_block(c, address, size);
    if (info.count < 0) {
        c->decode_error = 1;
        info.count = 0;
        info.cycles = 0u;
    }
    if (c->limit != 0 && c->total + (uint64_t)info.count > c->limit) {
        c->limit_hit = 1;
        c->emu_stop(uc);
        return;
    }
    if (info.first_fp >= 0 && !c->fpu_enabled) {
        /* Nothing of the block runs; the engine replays it up to the FP instruction. */
        c->nocp_hit = 1;
        c->nocp_addr = address + (uint64_t)info.first_fp;
        c->emu_stop(uc);
        return;
    }
    if (c->blocks_entered != 0 && address != c->next_expected) {
        c->cycles += TBC_BRANCH_REFILL; /* the block before ended in a taken branch */
    }
    c->block_addr = address;
    c->block_size = size;
    c->block_base = c->total;
    c->block_cycles_base = c->cycles;
    c->next_expected = address + size;
    c->blocks_entered++;
    c->total += (uint64_t)info.count;
    c->cycles += info.cycles;
}

/* Code hook, present only while CCR.DIV_0_TRP is set: stops before SDIV/UDIV by zero. */
static void tbc_div_hook(uc_engine *uc, uint64_t address, uint32_t size, void *user_data)
{
    tbc_counter *c = user_data;
    uint8_t b[4];
    if (size != 4u || c->mem_read(uc, address, b, 4) != UC_ERR_OK) {
        return;
    }
    const uint16_t hw1 = (uint16_t)(b[0] | (b[1] << 8));
    const uint16_t hw2 = (uint16_t)(b[2] | (b[3] << 8));
    if ((hw1 & 0xFFF0u) != 0xFB90u && (hw1 & 0xFFF0u) != 0xFBB0u) {
        return;
    }
    const unsigned rm = hw2 & 0xFu;
    uint32_t divisor = 1u;
    if (rm <= 12u && c->reg_read(uc, c->reg_r0 + (int)rm, &divisor) == UC_ERR_OK &&
        divisor == 0u) {
        c->div0_hit = 1;
        c->div0_addr = address;
        c->emu_stop(uc);
    }
}

tbc_counter *tbc_create(void *uc, void *hook_add, void *hook_del,
                        void *mem_read, void *emu_stop, void *reg_read, int reg_r0)
{
    tbc_counter *c = calloc(1, sizeof(tbc_counter));
    if (c == NULL) {
        return NULL;
    }
    c->uc = uc;
    c->hook_add = (tbc_hook_add_fn)hook_add;
    c->hook_del = (tbc_hook_del_fn)hook_del;
    c->mem_read = (tbc_mem_read_fn)mem_read;
    c->emu_stop = (tbc_emu_stop_fn)emu_stop;
    c->reg_read = (tbc_reg_read_fn)reg_read;
    c->reg_r0 = reg_r0;
    c->fpu_enabled = 1;
    if (tbc_grow(c) != 0) {
        free(c);
        return NULL;
    }
    return c;
}

/* Registers the block hook on every address. Returns a uc_err value. */
int tbc_install(tbc_counter *c)
{
    if (c->installed) {
        return UC_ERR_OK;
    }
    uc_err err = c->hook_add(c->uc, &c->hook, UC_HOOK_BLOCK,
                             (void *)tbc_block_hook, c, (uint64_t)1,
                             (uint64_t)0);
    if (err == UC_ERR_OK) {
        c->installed = 1;
    }
    return err;
}

/* CCR.DIV_0_TRP on or off; the caller flushes translated code afterwards. */
int tbc_set_div_trap(tbc_counter *c, int enabled)
{
    if (enabled && !c->div_hook_installed) {
        uc_err err = c->hook_add(c->uc, &c->div_hook, UC_HOOK_CODE, (void *)tbc_div_hook,
                                 c, (uint64_t)1, (uint64_t)0);
        if (err != UC_ERR_OK) {
            return err;
        }
        c->div_hook_installed = 1;
    } else if (!enabled && c->div_hook_installed) {
        c->div_hook_installed = 0;
        return c->hook_del(c->uc, c->div_hook);
    }
    return UC_ERR_OK;
}

int tbc_uninstall(tbc_counter *c)
{
    if (c->div_hook_installed) {
        c->div_hook_installed = 0;
        c->hook_del(c->uc, c->div_hook);
    }
    if (!c->installed) {
        return UC_ERR_OK;
    }
    c->installed = 0;
    return c->hook_del(c->uc, c->hook);
}

void tbc_destroy(tbc_counter *c)
{
    if (c == NULL) {
        return;
    }
    free(c->slots);
    free(c);
}

/* Forgets cached blocks and the current block, and sets the count. */
void tbc_reset(tbc_counter *c, uint64_t total)
{
    memset(c->slots, 0, c->capacity * sizeof(tbc_slot));
    c->used = 0;
    c->memo_key = 0; /* no block has size 0 at address 0 */
    c->total = total;
    c->block_addr = 0;
    c->block_size = 0;
    c->block_base = total;
    c->blocks_entered = 0;
    c->decode_error = 0;
    c->limit = 0;
    c->limit_hit = 0;
    c->stop_requested = 0;
    c->stopped = 0;
    c->deadline_ns = 0;
    c->deadline_hit = 0;
    c->cycles = 0;
    c->block_cycles_base = 0;
    c->next_expected = 0;
    c->nocp_hit = 0;
    c->div0_hit = 0;
}

uint64_t tbc_total(const tbc_counter *c) { return c->total; }

void tbc_set_total(tbc_counter *c, uint64_t total)
{
    c->total = total;
    c->block_base = total;
    c->block_size = 0;
}

void tbc_set_limit(tbc_counter *c, uint64_t limit)
{
    c->limit = limit;
    c->limit_hit = 0;
}

int tbc_limit_hit(const tbc_counter *c) { return c->limit_hit; }

/* Stop at the next block boundary (from an MMIO callback: no re-execution). */
void tbc_request_stop(tbc_counter *c)
{
    c->stop_requested = 1;
    c->stopped = 0;
}

/* 1 if the requested stop happened since the last call; clears both flags. */
int tbc_take_stopped(tbc_counter *c)
{
    int stopped = c->stopped;
    c->stopped = 0;
    c->stop_requested = 0;
    return stopped;
}

/* Stop at a block boundary once CLOCK_MONOTONIC passes now + timeout. */
void tbc_set_timeout(tbc_counter *c, uint64_t timeout_ns)
{
    c->deadline_ns = timeout_ns ? tbc_now_ns() + timeout_ns : 0;
    c->deadline_hit = 0;
    c->ticks = 0;
}

int tbc_deadline_hit(const tbc_counter *c) { return c->deadline_hit; }

int tbc_decode_error(const tbc_counter *c) { return c->decode_error; }

uint64_t tbc_blocks_entered(const tbc_counter *c) { return c->blocks_entered; }

uint64_t tbc_block_addr(const tbc_counter *c) { return c->block_addr; }

uint32_t tbc_block_size(const tbc_counter *c) { return c->block_size; }

static int tbc_in_last_block(const tbc_counter *c, uint64_t pc)
{
    return c->block_size != 0 && pc >= c->block_addr && pc < c->block_addr + c->block_size;
}

/*
 * Instructions retired before the instruction at pc, when pc lies inside the
 * block entered last (a block's count is added on entry, so the tail from pc
 * on has not executed). Any other pc: the running total.
 */
uint64_t tbc_count_at(tbc_counter *c, uint64_t pc)
{
    if (!tbc_in_last_block(c, pc)) {
        return c->total;
    }
    tbc_block_info before = tbc_decode(c, c->block_addr, pc - c->block_addr);
    return before.count < 0 ? c->total : c->block_base + (uint64_t)before.count;
}

/* Estimated cycles before the instruction at pc, in the same sense as tbc_count_at. */
uint64_t tbc_cycles_at(tbc_counter *c, uint64_t pc)
{
    if (!tbc_in_last_block(c, pc)) {
        return c->cycles;
    }
    tbc_block_info before = tbc_decode(c, c->block_addr, pc - c->block_addr);
    return before.count < 0 ? c->cycles : c->block_cycles_base + before.cycles;
}

/*
 * The CPU stopped before the instruction at pc (a replayed access, a fault):
 * both counts become those before pc, and resuming at pc is a fall-through.
 */
void tbc_rewind(tbc_counter *c, uint64_t pc)
{
    const uint64_t total = tbc_count_at(c, pc);
    const uint64_t cycles = tbc_cycles_at(c, pc);
    c->total = total;
    c->cycles = cycles;
    c->block_base = total;
    c->block_cycles_base = cycles;
    c->block_size = 0;
    c->next_expected = pc;
}

/* An exception entry to handler: its fixed cost, and no refill on top. */
void tbc_exception_entry(tbc_counter *c, uint64_t handler)
{
    c->cycles += TBC_EXCEPTION_ENTRY;
    c->next_expected = handler;
}

uint64_t tbc_cycles(const tbc_counter *c) { return c->cycles; }

void tbc_set_fpu_enabled(tbc_counter *c, int enabled) { c->fpu_enabled = enabled; }

/* 1 and the FP instruction's address if a block met a disabled FPU; clears it. */
int tbc_take_nocp(tbc_counter *c, uint64_t *address)
{
    const int hit = c->nocp_hit;
    *address = c->nocp_addr;
    c->nocp_hit = 0;
    return hit;
}

/* 1 and the divide's address if a divide by zero was trapped; clears it. */
int tbc_take_div0(tbc_counter *c, uint64_t *address)
{
    const int hit = c->div0_hit;
    *address = c->div0_addr;
    c->div0_hit = 0;
    return hit;
}

/* Instruction count of [addr, addr + size) by decoding; -1 if unreadable. */
int64_t tbc_count_range(tbc_counter *c, uint64_t addr, uint64_t size)
{
    return tbc_decode(c, addr, size).count;
}

/* Estimated cycles of [addr, addr + size) by decoding; -1 if unreadable. */
int64_t tbc_cycles_range(tbc_counter *c, uint64_t addr, uint64_t size)
{
    tbc_block_info info = tbc_decode(c, addr, size);
    return info.count < 0 ? -1 : (int64_t)info.cycles;
}
