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

typedef struct {
    uint64_t key;   /* (address << 32) | size */
    uint32_t count; /* instructions in the block */
    uint32_t used;
} tbc_slot;

typedef struct {
    uc_engine *uc;
    tbc_hook_add_fn hook_add;
    tbc_hook_del_fn hook_del;
    tbc_mem_read_fn mem_read;
    tbc_emu_stop_fn emu_stop;
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

    tbc_slot *slots;
    size_t capacity;     /* power of two */
    size_t used;
} tbc_counter;

enum { TBC_CHUNK = 4096, TBC_INITIAL_CAPACITY = 4096 };

/* Number of Thumb instructions in [addr, addr + size); -1 if unreadable. */
static int64_t tbc_decode(tbc_counter *c, uint64_t addr, uint64_t size)
{
    uint8_t buf[TBC_CHUNK];
    int64_t n = 0;
    uint64_t pos = addr;
    uint64_t end = addr + size;
    while (pos + 1 < end) {
        uint64_t len = end - pos;
        if (len > TBC_CHUNK) {
            len = TBC_CHUNK;
        }
        if (c->mem_read(c->uc, pos, buf, len) != UC_ERR_OK) {
            return -1;
        }
        uint64_t i = 0;
        while (i + 1 < len) {
            uint16_t hw = (uint16_t)(buf[i] | (buf[i + 1] << 8));
            n++;
            i += ((hw >> 11) >= 0x1Du) ? 4u : 2u;
        }
        /* i may pass len by 2 when a 32-bit instruction straddles chunks. */
        pos += i;
    }
    return n;
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

/* Cached instruction count of a block; -1 if its bytes cannot be read. */
static int64_t tbc_block_count(tbc_counter *c, uint64_t addr, uint32_t size)
{
    uint64_t key = (addr << 32) | size;
    size_t mask = c->capacity - 1;
    size_t j = tbc_hash(key) & mask;
    while (c->slots[j].used) {
        if (c->slots[j].key == key) {
            return c->slots[j].count;
        }
        j = (j + 1) & mask;
    }
    int64_t n = tbc_decode(c, addr, size);
    if (n < 0) {
        return -1;
    }
    if ((c->used + 1) * 2 > c->capacity) {
        if (tbc_grow(c) != 0) {
            return n; /* out of memory: count without caching */
        }
        mask = c->capacity - 1;
        j = tbc_hash(key) & mask;
        while (c->slots[j].used) {
            j = (j + 1) & mask;
        }
    }
    c->slots[j].key = key;
    c->slots[j].count = (uint32_t)n;
    c->slots[j].used = 1;
    c->used++;
    return n;
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
    int64_t n = tbc_block_count(c, address, size);
    if (n < 0) {
        c->decode_error = 1;
        n = 0;
    }
    if (c->limit != 0 && c->total + (uint64_t)n > c->limit) {
        c->limit_hit = 1;
        c->emu_stop(uc);
        return;
    }
    c->block_addr = address;
    c->block_size = size;
    c->block_base = c->total;
    c->blocks_entered++;
    c->total += (uint64_t)n;
}

tbc_counter *tbc_create(void *uc, void *hook_add, void *hook_del,
                        void *mem_read, void *emu_stop)
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

int tbc_uninstall(tbc_counter *c)
{
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

/*
 * Instructions retired before the instruction at pc, when pc lies inside the
 * block entered last (a block's count is added on entry, so the tail from pc
 * on has not executed). Any other pc: the running total.
 */
uint64_t tbc_count_at(tbc_counter *c, uint64_t pc)
{
    if (c->block_size == 0 || pc < c->block_addr ||
        pc >= c->block_addr + c->block_size) {
        return c->total;
    }
    int64_t before = tbc_decode(c, c->block_addr, pc - c->block_addr);
    if (before < 0) {
        return c->total;
    }
    return c->block_base + (uint64_t)before;
}

/* Instruction count of [addr, addr + size) by decoding; -1 if unreadable. */
int64_t tbc_count_range(tbc_counter *c, uint64_t addr, uint64_t size)
{
    return tbc_decode(c, addr, size);
}
