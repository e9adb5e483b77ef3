/* SPDX-License-Identifier: MIT */
/*
 * libd1_internal.h - private to libd1 (and its white-box host tests).
 */
#ifndef LIBD1_INTERNAL_H
#define LIBD1_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <pthread.h>

#include "d1/d1.h"
#include "d1/device/d1_abi.h"
#include "drm/d1_accel.h"

/* Name the kernel driver registers (drm_driver.name, the sysfs driver). */
#define D1_DRIVER_NAME		"d1"

/* struct d1_device - an open device node */
struct d1_device {
	int fd;
	/* Set at open: index, minor, devnode, PCI address, driver name and
	 * version; the rest is queried by d1_device_info(). */
	struct d1_device_info id;

	/* Lazily set up by the memory and submission calls, under @lock. */
	pthread_mutex_t lock;
	int have_limits;
	struct drm_d1_submit_info sinfo;
	struct drm_d1_device_info dinfo;
	unsigned int next_queue;
	/* For the synchronous copies, used under @internal_lock (not @lock:
	 * finishing its work may take @lock). */
	pthread_mutex_t internal_lock;
	struct d1_stream *internal;
	struct d1_image_bo *images;	/* kernel images uploaded */
	/* A context failure collected while submitting on another stream. */
	int stashed_error;
	struct drm_d1_context_status stash;
	unsigned int prof_ctx;		/* profile.c: 0 until first recorded */
};

/* A BO mapped into the handle's device address space. */
struct d1_bo {
	uint32_t handle;
	uint32_t placement;
	uint64_t size;
	uint64_t va;
	void *map;			/* CPU mapping or NULL */
};

struct d1_buffer {
	d1_device *dev;
	struct d1_bo bo;
	unsigned int type;
	unsigned int maps;
};

/* An image uploaded to a host BO, per device handle. */
struct d1_image_bo {
	struct d1_image_bo *next;
	struct d1_image *image;		/* holds a reference */
	struct d1_bo bo;
};

/* One d1 accel node found in sysfs. */
struct d1_node {
	unsigned int minor;
	char name[32];				/* "accelN" */
	char pci_address[D1_PCI_ADDRESS_LEN];	/* "" if unknown */
};

/* The d1 nodes of the system, sorted by minor. */
struct d1_node_list {
	struct d1_node *nodes;
	unsigned int count;
};

/* device.c */
int d1_query(d1_device *dev, uint32_t param, void *data, uint32_t size);

/* status.c */
d1_status d1_status_from_errno(int err);
d1_status d1_fail_errno(int err);

/* device.c */
d1_status d1_driver_version_check(int major);

/* enumerate.c */
const char *d1_sysfs_root(void);
const char *d1_dev_root(void);
d1_status d1_enumerate(struct d1_node_list *list);
void d1_node_list_free(struct d1_node_list *list);
int d1_pci_address_normalize(const char *in, char *out, size_t len);

/* A kernel of an image: its D1_KERNEL() table entry, decoded. */
struct d1_kinfo {
	char *name;
	uint32_t index;			/* in the d1_kernels table */
	uint32_t nargs;
	uint32_t args_size;
	uint32_t args_align;
	int raw;			/* d1_main: no dispatcher header */
	struct d1_kernel_arg_info *args;	/* strings owned by the image */
};

/* A D1 ELF image with its kernel table; shared by programs and kernels. */
struct d1_image {
	atomic_int refs;
	uint8_t *elf;
	size_t size;
	unsigned int nkernels;
	struct d1_kinfo *kernels;
	char **strings;			/* everything the kinfo point into */
	unsigned int nstrings;
};

struct d1_program {
	char *source;			/* NULL for a program from an ELF */
	size_t source_len;
	char name[256];
	char *srcdir;			/* -iquote for a program from a file */
	struct d1_image *image;
	char *log;
	size_t log_len;
	unsigned int cache;		/* enum d1_cache_result */
	char key[65];
};

struct d1_kernel {
	struct d1_image *image;
	const struct d1_kinfo *ki;
	uint64_t set_mask;		/* parameters set so far */
	size_t raw_size;
	uint8_t block[4096];		/* the launch's argument block */
};

/* image.c */
d1_status d1_image_parse(const void *elf, size_t size, struct d1_image **out,
			 char *err, size_t errlen);
struct d1_image *d1_image_get(struct d1_image *img);
void d1_image_put(struct d1_image *img);

/* memory.c */
d1_status d1_dev_limits(d1_device *dev);
d1_status d1_bo_new(d1_device *dev, uint64_t size, uint32_t placement,
		    uint32_t vm_flags, int map, struct d1_bo *bo);
d1_status d1_bo_map(d1_device *dev, struct d1_bo *bo);
void d1_bo_free(d1_device *dev, struct d1_bo *bo);

/* peer.c: @dst bound in @sender, for peer copies (cached) */
d1_status d1_peer_map_get(d1_device *sender, d1_buffer *dst, uint64_t *va,
			  uint32_t *op);
void d1_peer_release_buffer(const d1_buffer *dst);
void d1_peer_release_device(const d1_device *dev);

/*
 * Streams.  Every operation is one SUBMIT job on the stream's hardware
 * queue; the host-side work that must follow it is a struct d1_pending on
 * the stream's list, done in order when the stream is synchronised or
 * queried.
 */
#define D1_STREAM_MAX_WAITS	64
#define D1_STREAM_POOL_MAX	16	/* staging/argument/report BOs kept */

enum d1_pending_kind {
	D1_PENDING_FREE,		/* only release the BOs */
	D1_PENDING_DTOH,		/* copy bo[0] out to @dst */
	D1_PENDING_LAUNCH,		/* check the launch report in bo[1] */
};

struct d1_pending {
	struct d1_pending *next;
	uint64_t point;
	uint32_t syncobj;		/* binary: this job's fence */
	enum d1_pending_kind kind;
	struct d1_bo bo[2];
	unsigned int nbo;
	/* D1_PENDING_DTOH */
	void *dst;
	size_t size;
	/* D1_PENDING_LAUNCH: bo[0] args (maybe empty), bo[1] report */
	unsigned int x0, y0, cols, rows, harts, flags, time_limit_ms;
	int raw;
	char kernel[D1_KERNEL_NAME_MAX];
	/* The report parsed when the launch ends (one reference). */
	struct d1_launch_result *result;
	struct d1_prof_job *prof;	/* profile.c: only when profiling */
};

struct d1_stream {
	d1_device *dev;
	unsigned int queue;
	uint32_t syncobj;
	uint64_t point;			/* last point submitted */
	struct d1_pending *head, *tail;
	struct drm_d1_sync waits[D1_STREAM_MAX_WAITS];
	unsigned int nwaits;
	d1_printf_handler ph;
	void *puser;
	struct d1_error_info last_error;
	/* Host BOs of completed jobs, mapped and bound, for reuse: freeing
	 * one (VM_UNBIND) would wait for all of the handle's work. */
	struct d1_bo pool[D1_STREAM_POOL_MAX];
	unsigned int npool;
	uint64_t pool_bytes;
	/* profile.c: the device times of its jobs, events it waits for */
	struct d1_bo prof_ts;
	uint64_t prof_waits[D1_STREAM_MAX_WAITS];
};

struct d1_event {
	d1_device *dev;
	uint32_t syncobj;		/* binary: the fence of the recording */
	int recorded;
	struct d1_bo ts;		/* u64 device timestamp at offset 0 */
	uint64_t prof_id;		/* profile.c: its last recording */
};

/* stream.c */
uint64_t d1_abs_timeout(uint64_t rel_ns);
struct d1_pending *d1_pending_new(enum d1_pending_kind kind);
void d1_pending_free(d1_stream *s, struct d1_pending *p);
d1_status d1_stream_bo(d1_stream *s, uint64_t size, struct d1_bo *bo);
d1_status d1_submit(d1_stream *s, struct drm_d1_cmd *cmds, unsigned int n,
		    struct d1_pending *p, uint32_t extra);
int d1_job_status(d1_stream *s, const struct d1_pending *p);
void d1_device_release_streams(d1_device *dev);

/* error.c */
int d1_ctx_read(d1_device *dev, int clear, struct drm_d1_context_status *cs);
void d1_ctx_take(d1_device *dev, struct drm_d1_context_status *cs);
void d1_set_error(d1_stream *s, d1_status st, unsigned int kind,
		  const char *kernel);
d1_status d1_job_error(d1_stream *s, const struct d1_pending *p, int fst);
const char *d1_access_name(unsigned int access);
const char *d1_reason_name(unsigned int reason);

/* launch.c */
d1_status d1_launch_finish(d1_stream *s, struct d1_pending *p, int fst);
void d1_device_release_images(d1_device *dev);

/*
 * result.c: a launch's per-node results.  Every launch job has one, filled
 * from its report by d1_launch_finish(); d1_launch_with_result() hands the
 * caller a second reference.
 */
struct d1_launch_result {
	atomic_int refs;
	atomic_int done;		/* @info and @nodes are final */
	struct d1_launch_info info;
	unsigned int nnodes;
	struct d1_node_result nodes[];
};

struct d1_launch_result *d1_launch_result_new(const struct d1_pending *p);
struct d1_launch_result *d1_launch_result_get(struct d1_launch_result *r);
void d1_launch_result_put(struct d1_launch_result *r);
/* Fills @r from the report @rep of @size bytes (NULL: none) and ends it. */
void d1_launch_result_end(struct d1_launch_result *r, const void *rep,
			  uint64_t size, d1_status status);
/*
 * The parsed results of launch job @p once d1_launch_finish() has run
 * (while the stream completes it, before it is freed); NULL for other
 * jobs.  For a profiler inside libd1: every launch has them.
 */
const struct d1_launch_result *d1__launch_job_result(const struct d1_pending *p);

/*
 * profile.c: with D1_PROF_OUT set, every job is recorded (d1-prof).
 * d1_prof_on is read once at load; nothing else runs when it is 0.
 */
struct d1_prof_job;
extern int d1_prof_on;
void d1_prof_submit(d1_stream *s, struct drm_d1_cmd *cmds, unsigned int n,
		    struct d1_pending *p, struct drm_d1_cmd **wrapped,
		    unsigned int *nwrapped);
void d1_prof_submitted(d1_stream *s, struct d1_pending *p,
		       struct drm_d1_cmd *wrapped, int ok);
void d1_prof_done(d1_stream *s, struct d1_pending *p, d1_status st);
void d1_prof_event(d1_event *e, d1_stream *s);
void d1_prof_wait(d1_stream *s, const d1_event *e);
void d1_prof_stream_gone(d1_stream *s);
void d1_prof_device_gone(d1_device *dev);

/* kernel.c */
d1_status d1_kernel_block(const d1_kernel *k, const void **block,
			  size_t *size, const char **missing);

/* buildenv.c: where the compiler and the device runtime are */
#define D1_RT_NFILES	3		/* crt0.S d1_rt.c d1_dispatch.c */
struct d1_toolchain {
	char clang[4096];
	char version[512];		/* first line of clang --version */
	char incdir[2][4096];		/* device headers */
	char rtsrc[D1_RT_NFILES][4096];
	char ldscript[4096];
	uint8_t rt_hash[32];		/* of every runtime file */
};
int d1_toolchain_find(struct d1_toolchain *tc, const char *memo_dir,
		      char *err, size_t errlen);
int d1_run(char *const argv[], const char *cwd, int out_fd, int *status);
int d1_read_file(const char *path, char **data, size_t *size);
int d1_write_file(const char *path, const void *data, size_t size);

/* cache.c */
int d1_cache_dir(char *buf, size_t len);
enum d1_cache_lookup { D1_CL_MISS, D1_CL_HIT, D1_CL_BAD };
enum d1_cache_lookup d1_cache_load(const char *dir, const uint8_t key[32],
				   char **elf, size_t *elf_size, char **log,
				   size_t *log_size);
int d1_cache_store(const char *dir, const uint8_t key[32], const void *elf,
		   size_t elf_size, const char *log, size_t log_size,
		   const char *deps, size_t deps_size);
int d1_deps_record(const char *depfile, const char *skip, char **out,
		   size_t *out_size);

#endif /* LIBD1_INTERNAL_H */
