/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * d1 DIP card core: register file, command queues, MMU contexts and
 * telemetry, with no QEMU dependency.  The QEMU glue (../d1_dip.c) forwards
 * BAR0 accesses here and supplies host-side effects through d1_dip_ops.
 *
 * Threads: each queue has a command-processor thread.  dev->lock protects
 * all register state; commands run without it.  ops->notify may be called
 * from a queue thread (without dev->lock) or from a register access (with
 * it); ops->bus_* only from queue threads.
 */
#ifndef D1_DIP_H
#define D1_DIP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "d1_regs.h"
#include "icache.h"
#include "mmu.h"
#include "gridsched.h"

struct d1_grid;

struct d1_dip_config {
	uint32_t grid_rows;
	uint32_t grid_cols;
	uint32_t nodes;		/* usable nodes, <= rows * cols */
	uint32_t sram_size;	/* bytes per node */
	uint32_t num_queues;
	uint32_t num_contexts;
	uint64_t hbm_size;
	uint32_t sim_threads;	/* host threads for the node grid; 0: 1 */
	uint64_t image_cache;	/* bytes of decoded images kept; 0: none */
	/* The link (link.c): this card's name and its peer's; NULL: none. */
	const char *link_name;
	const char *link_peer;
	/* Or the link is a byte stream (linkwire.c, ops->link_send). */
	bool link_wire;
};

struct d1_dip_ops {
	/* Signal MSI-X vector @vec. */
	void (*notify)(void *opaque, unsigned int vec);
	/* A guest programming error worth logging (not fatal). */
	void (*guest_error)(void *opaque, const char *msg, uint64_t addr);
	/* Host memory by bus address (DMA); return 0 or -1. */
	d1_bus_read_fn bus_read;
	d1_bus_write_fn bus_write;
	/* Device clock in ns. */
	uint64_t (*now_ns)(void *opaque);
	/*
	 * With cfg.link_wire: queue @len bytes for the other end of the
	 * link; from any thread, never waiting for the other end.  0 or -1
	 * (not connected).
	 */
	int (*link_send)(void *opaque, const void *buf, size_t len);
};

#define D1_DIP_MAX_QUEUES	32
#define D1_DIP_MAX_CONTEXTS	256

struct d1_queue {
	struct d1_dip *dev;
	unsigned int idx;
	pthread_t thread;
	bool thread_started;

	/* Registers */
	uint64_t ring;
	uint32_t size, ctx, ctrl, status;
	uint32_t head, tail, fence;
	uint32_t irq_status, irq_mask;
	/* Telemetry */
	uint64_t cmds, busy_ns, dma_bytes, instret, cycles;
	uint32_t faults;
	uint64_t busy_since;	/* now_ns when the running command began */
	uint64_t grid_since;	/* now_ns its LAUNCH got its nodes */
	uint32_t run_ns_hi;	/* RUN_NS_HI latched by reading RUN_NS_LO */

	uint32_t gen;		/* bumped by reset: drop the running result */
	bool busy;		/* a command is executing */
	bool grid_wait;		/* its LAUNCH waits for its nodes */
	bool on_grid;		/* its LAUNCH runs on its nodes (until the
				 * command's outcome is in STATUS) */
	bool abort;		/* ask the running command to stop */
	atomic_int grid_stop;	/* the same, for its launch on the grid */
};

struct d1_context {
	uint64_t pt;
	uint32_t ctrl;
	uint64_t cycles, grid_ns;	/* usage of its LAUNCHes */
};

#define D1_LINK_NAME_MAX	64
/* Most bytes one message of a link stream carries (linkwire.c). */
#define D1_LINK_WIRE_CHUNK	(64u << 10)

/* The card's DIP-to-DIP link (link.c). */
struct d1_link {
	/* From the config; constant while attached. */
	char name[D1_LINK_NAME_MAX];	/* this card, as peers name it */
	char peer[D1_LINK_NAME_MAX];	/* the card it sends to; "": none */
	/* Under the link registry's lock. */
	uint32_t addr;			/* link address, 0: not attached */
	unsigned int users;		/* senders writing into this card */
	atomic_bool gone;		/* detaching: senders stop */
	/* Under dev->lock. */
	uint64_t win_base, win_size;
	uint32_t epoch;			/* bumped by reset */
	uint64_t tx, rx;
	uint32_t errors;
	uint64_t cycles;		/* modelled time of the copies */
	/* Over a byte stream (linkwire.c); under dev->lock. */
	bool wire;			/* cfg.link_wire */
	bool wire_up;			/* the other end said HELLO */
	uint32_t wire_peer;		/* its link address */
	bool wire_busy;			/* a request is in flight */
	uint64_t wire_seq;		/* ... this one */
	bool reply;			/* its answer: */
	uint32_t reply_status, reply_epoch;
	pthread_cond_t wire_cond;	/* answers, the link going down */
	/* The message being received: only the transport's reader. */
	uint8_t rx_hdr[40];
	uint8_t *rx_data;
	size_t rx_have;
	bool rx_broken;
};

struct d1_dip {
	struct d1_dip_config cfg;
	const struct d1_dip_ops *ops;
	void *opaque;
	uint8_t *hbm;

	pthread_mutex_t lock;
	pthread_cond_t kick;	/* work, aborts, signals: queue threads wake */
	pthread_cond_t idle;	/* a queue thread finished a command */
	bool exiting;

	uint32_t scratch;
	uint32_t irq_status;
	uint32_t irq_mask;
	uint32_t doorbell_ack;
	uint32_t error;
	uint32_t pm_state;
	uint32_t time_hi_latch;

	uint32_t fault_status;
	uint64_t fault_va;
	uint32_t fault_count;

	/* Emulated thermals: activity averaged between telemetry reads. */
	double activity;
	uint64_t act_last_ns, act_last_busy;

	struct d1_context ctx[D1_DIP_MAX_CONTEXTS];
	struct d1_link link;
	struct d1_queue q[D1_DIP_MAX_QUEUES];

	/* The node grid (made at the first LAUNCH), shared by launches on
	 * disjoint rectangles; sched is under lock. */
	struct d1_grid *grid;
	struct d1_sched sched;
	struct d1_icache icache;
};

/* Largest grid the card supports in either dimension. */
#define D1_DIP_MAX_GRID_DIM	64u

/* Returns NULL when @cfg is valid, else a message naming the bad field. */
const char *d1_dip_check_config(const struct d1_dip_config *cfg);

/*
 * Sets up the device and starts its queue threads.  @hbm is the card's HBM
 * (cfg->hbm_size bytes), owned by the caller.  Returns 0 or -1.
 */
int d1_dip_init(struct d1_dip *d, const struct d1_dip_config *cfg,
		uint8_t *hbm, const struct d1_dip_ops *ops, void *opaque);
/* Stops the queue threads (aborting any command) and frees resources. */
void d1_dip_destroy(struct d1_dip *d);
/* Full device reset: aborts all work, returns to power-on state. */
void d1_dip_reset(struct d1_dip *d);

/* BAR0 access; @size is in bytes.  Only aligned 32-bit accesses are valid. */
uint32_t d1_dip_reg_read(struct d1_dip *d, uint64_t addr, unsigned int size);
void d1_dip_reg_write(struct d1_dip *d, uint64_t addr, uint32_t val,
		      unsigned int size);

/* queue.c */
void *d1_queue_thread(void *arg);
/* Whether @q's running command must stop (reset, exit). */
bool d1_queue_aborted(struct d1_queue *q);
void d1_queue_reset_locked(struct d1_queue *q);
uint32_t d1_queue_reg_read_locked(struct d1_queue *q, unsigned int reg,
				  bool *ok);
bool d1_queue_reg_write_locked(struct d1_queue *q, unsigned int reg,
			       uint32_t val, unsigned int *vecs);

/* What a LAUNCH adds to its queue's telemetry. */
struct d1_launch_stats {
	uint64_t instret;	/* all harts of all nodes */
	uint64_t dma_bytes;	/* node DMA */
	uint64_t cycles;	/* the launch's: max over its nodes */
};

/*
 * link.c: cards find their link peer by name in one registry per process.
 * d1_link_attach() enters @d (d1_dip_init() does) and gives it a link
 * address; -1 if its name is taken or the registry is full.
 * d1_link_detach() leaves it, waiting for senders writing into it (at most
 * one chunk each); d1_dip_destroy() does.  Both may be repeated.
 */
int d1_link_attach(struct d1_dip *d);
void d1_link_detach(struct d1_dip *d);
/* LINK_STATUS, LINK_PEER (dev->lock held). */
uint32_t d1_link_peer_addr(struct d1_dip *d);
/*
 * Where [@off, @off + @len) of @p's window lies in its HBM, or a
 * D1_QERR_* (p->lock held).
 */
unsigned int d1_link_window_locked(struct d1_dip *p, uint32_t epoch,
				   uint64_t off, uint64_t len, uint64_t *hbm);
/*
 * linkwire.c, a link over a byte stream: the transport tells the card it
 * connected or lost the other end (d1_link_wire_up()) and hands it what
 * arrived (d1_link_wire_rx()), both from its one reader thread.
 * d1_link_wire_copy() runs a LINK_COPY over it: the bytes it sent in
 * *@sent, a D1_QERR_*.
 */
void d1_link_wire_up(struct d1_dip *d, bool up);
void d1_link_wire_rx(struct d1_dip *d, const uint8_t *buf, size_t len);
unsigned int d1_link_wire_copy(struct d1_queue *q, struct d1_vspace *vs,
			       uint64_t src, uint64_t dst, uint64_t len,
			       uint64_t *sent);
/* Runs a LINK_COPY descriptor, adds the bytes sent to *@bytes; returns a
 * D1_QERR_*. */
unsigned int d1_link_copy(struct d1_queue *q, struct d1_vspace *vs,
			  const uint64_t *w, uint64_t *bytes);

/* launch.c: runs a LAUNCH descriptor; returns a D1_QERR_* */
unsigned int d1_launch_exec(struct d1_queue *q, struct d1_vspace *vs,
			    const uint64_t *desc, struct d1_launch_stats *st);
/*
 * A node's record of the launch report at @rec: the base record, and its
 * counters when @rsize is D1_REPORT_NODE_SIZE_CTR.
 */
struct d1_node_report;
void d1_launch_put_node(uint8_t *rec, uint32_t rsize,
			const struct d1_node_report *r);
void d1_launch_init(struct d1_dip *d);
void d1_launch_fini(struct d1_dip *d);

/* dip.c helpers for queue.c (dev->lock held) */
void d1_dip_raise_locked(struct d1_dip *d, uint32_t bits, unsigned int *vecs);
void d1_dip_record_fault_locked(struct d1_dip *d, unsigned int ctx,
				unsigned int queue,
				const struct d1_mmu_fault *f);
void d1_dip_bad_access(struct d1_dip *d, const char *msg, uint64_t addr);
void d1_dip_wait_idle_locked(struct d1_dip *d);

#endif /* D1_DIP_H */
