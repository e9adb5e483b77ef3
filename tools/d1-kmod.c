// SPDX-License-Identifier: GPL-2.0
/*
 * d1-kmod: load and unload d1.ko through libkmod.
 *
 *   d1-kmod load PATH/d1.ko [param=value ...]
 *   d1-kmod unload
 *   d1-kmod status
 *
 * "load" reads the "depends" field of the .ko's modinfo, probes each
 * dependency by name from the running kernel's module tree (with its own
 * dependencies, as modprobe would), then inserts the .ko by path with the
 * given parameters.  "unload" removes d1 and refuses while it is in use.
 * "status" prints whether d1 is loaded.
 *
 * Exit status: 0 success (status: loaded), 1 failure, 2 usage error,
 * 3 status: not loaded.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libkmod.h>

#define D1_MODULE_NAME "d1"

enum {
	EXIT_USAGE = 2,
	EXIT_NOT_LOADED = 3,
};

static const char *prog = "d1-kmod";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s load PATH/d1.ko [param=value ...]\n"
		"       %s unload\n"
		"       %s status\n",
		prog, prog, prog);
}

/* @with_index: the running kernel's module index is needed (load). */
static struct kmod_ctx *ctx_new(bool with_index)
{
	struct kmod_ctx *ctx;
	int err;

	ctx = kmod_new(NULL, NULL);
	if (!ctx) {
		fprintf(stderr, "%s: cannot create libkmod context\n", prog);
		return NULL;
	}
	if (!with_index)
		return ctx;
	err = kmod_load_resources(ctx);
	if (err < 0) {
		fprintf(stderr,
			"%s: cannot load the module index of %s (modules of the running kernel not installed?): %s\n",
			prog, kmod_get_dirname(ctx), strerror(-err));
		kmod_unref(ctx);
		return NULL;
	}
	return ctx;
}

/* Why the kernel refused a module, in words a user can act on. */
static const char *insert_error(int err)
{
	switch (err) {
	case ENOEXEC:
		return "invalid module format (built for another kernel?)";
	case ENOENT:
		return "unknown symbol in module (dependency missing?); see dmesg";
	case EINVAL:
		return "invalid parameters or module; see dmesg";
	case EEXIST:
		return "module already loaded";
	case EPERM:
	case EACCES:
		return "operation not permitted (need root; module signing?)";
	case ENODEV:
		return "no such device; see dmesg";
	default:
		return strerror(err);
	}
}

/* Probe one dependency by name, resolving its own dependencies. */
static int probe_dependency(struct kmod_ctx *ctx, const char *name)
{
	struct kmod_list *list = NULL, *l;
	int err, found = 0;

	err = kmod_module_new_from_lookup(ctx, name, &list);
	if (err < 0) {
		fprintf(stderr, "%s: cannot look up dependency %s: %s\n",
			prog, name, strerror(-err));
		return -1;
	}
	if (!list) {
		fprintf(stderr,
			"%s: dependency %s not found in %s (is the module tree of the running kernel installed?)\n",
			prog, name, kmod_get_dirname(ctx));
		return -1;
	}

	kmod_list_foreach(l, list) {
		struct kmod_module *dep = kmod_module_get_module(l);

		err = kmod_module_probe_insert_module(dep, 0, NULL, NULL, NULL,
						      NULL);
		if (err < 0) {
			fprintf(stderr, "%s: cannot load dependency %s: %s\n",
				prog, kmod_module_get_name(dep),
				insert_error(-err));
			kmod_module_unref(dep);
			break;
		}
		found = 1;
		kmod_module_unref(dep);
	}
	kmod_module_unref_list(list);
	return err < 0 || !found ? -1 : 0;
}

/* Probe every entry of the comma-separated modinfo "depends" value. */
static int probe_dependencies(struct kmod_ctx *ctx, const char *depends)
{
	char *copy, *name, *save = NULL;
	int ret = 0;

	copy = strdup(depends);
	if (!copy) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	for (name = strtok_r(copy, ",", &save); name && !ret;
	     name = strtok_r(NULL, ",", &save)) {
		if (*name)
			ret = probe_dependency(ctx, name);
	}
	free(copy);
	return ret;
}

/* modinfo "depends" of @mod; *depends is NULL when the field is absent. */
static int read_depends(struct kmod_module *mod, const char *path,
			char **depends)
{
	struct kmod_list *info = NULL, *l;
	int err;

	*depends = NULL;
	err = kmod_module_get_info(mod, &info);
	if (err < 0) {
		fprintf(stderr, "%s: cannot read modinfo of %s: %s\n", prog,
			path, strerror(-err));
		return -1;
	}
	kmod_list_foreach(l, info) {
		const char *key = kmod_module_info_get_key(l);
		const char *val = kmod_module_info_get_value(l);

		if (key && !strcmp(key, "depends") && val) {
			*depends = strdup(val);
			if (!*depends) {
				fprintf(stderr, "%s: out of memory\n", prog);
				err = -ENOMEM;
			}
			break;
		}
	}
	kmod_module_info_free_list(info);
	return err < 0 ? -1 : 0;
}

/* Join "param=value" arguments into one space-separated option string. */
static char *join_params(int argc, char **argv)
{
	size_t len = 1;
	char *opts, *p;
	int i;

	for (i = 0; i < argc; i++) {
		if (!*argv[i] || strpbrk(argv[i], " \t\n")) {
			fprintf(stderr, "%s: bad module parameter '%s'\n", prog,
				argv[i]);
			return NULL;
		}
		len += strlen(argv[i]) + 1;
	}
	opts = malloc(len);
	if (!opts) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return NULL;
	}
	p = opts;
	*p = '\0';
	for (i = 0; i < argc; i++)
		p += sprintf(p, "%s%s", i ? " " : "", argv[i]);
	return opts;
}

static int cmd_load(int argc, char **argv)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx;
	char *depends = NULL, *opts = NULL;
	const char *path;
	int err, ret = EXIT_FAILURE;

	if (argc < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	path = argv[0];

	opts = join_params(argc - 1, argv + 1);
	if (!opts)
		return EXIT_USAGE;

	ctx = ctx_new(true);
	if (!ctx)
		goto out;

	err = kmod_module_new_from_path(ctx, path, &mod);
	if (err < 0) {
		fprintf(stderr, "%s: cannot open module %s: %s\n", prog, path,
			strerror(-err));
		goto out;
	}
	if (strcmp(kmod_module_get_name(mod), D1_MODULE_NAME)) {
		fprintf(stderr, "%s: %s is module '%s', not '%s'\n", prog, path,
			kmod_module_get_name(mod), D1_MODULE_NAME);
		goto out;
	}
	if (kmod_module_get_initstate(mod) >= 0) {
		fprintf(stderr, "%s: %s is already loaded; unload it first\n",
			prog, D1_MODULE_NAME);
		goto out;
	}

	if (read_depends(mod, path, &depends))
		goto out;
	if (depends && probe_dependencies(ctx, depends))
		goto out;

	err = kmod_module_insert_module(mod, 0, opts);
	if (err < 0) {
		fprintf(stderr, "%s: cannot insert %s: %s\n", prog, path,
			insert_error(-err));
		goto out;
	}
	ret = EXIT_SUCCESS;
out:
	free(depends);
	free(opts);
	if (mod)
		kmod_module_unref(mod);
	if (ctx)
		kmod_unref(ctx);
	return ret;
}

/* The d1 module by name, with its libkmod context; false on error. */
static bool d1_module(struct kmod_ctx **ctx, struct kmod_module **mod)
{
	int err;

	*mod = NULL;
	*ctx = ctx_new(false);
	if (!*ctx)
		return false;
	err = kmod_module_new_from_name(*ctx, D1_MODULE_NAME, mod);
	if (err < 0) {
		fprintf(stderr, "%s: %s\n", prog, strerror(-err));
		kmod_unref(*ctx);
		return false;
	}
	return true;
}

static void d1_module_put(struct kmod_ctx *ctx, struct kmod_module *mod)
{
	kmod_module_unref(mod);
	kmod_unref(ctx);
}

static int cmd_unload(void)
{
	struct kmod_module *mod;
	struct kmod_ctx *ctx;
	int err, refcnt, ret = EXIT_FAILURE;

	if (!d1_module(&ctx, &mod))
		return EXIT_FAILURE;
	err = kmod_module_get_initstate(mod);
	if (err == -ENOENT) {
		fprintf(stderr, "%s: cannot unload %s: module is not loaded\n",
			prog, D1_MODULE_NAME);
		goto out;
	}
	if (err == KMOD_MODULE_BUILTIN) {
		fprintf(stderr, "%s: cannot unload %s: module is built in\n",
			prog, D1_MODULE_NAME);
		goto out;
	}

	refcnt = kmod_module_get_refcnt(mod);
	if (refcnt > 0) {
		fprintf(stderr,
			"%s: cannot unload %s: module is in use (refcount %d; close the open /dev/accel files)\n",
			prog, D1_MODULE_NAME, refcnt);
		goto out;
	}

	err = kmod_module_remove_module(mod, KMOD_REMOVE_NOWAIT);
	if (err < 0) {
		err = -err;
		if (err == EAGAIN || err == EBUSY)
			fprintf(stderr,
				"%s: cannot unload %s: module is in use\n",
				prog, D1_MODULE_NAME);
		else
			fprintf(stderr, "%s: cannot unload %s: %s\n", prog,
				D1_MODULE_NAME, strerror(err));
		goto out;
	}
	ret = EXIT_SUCCESS;
out:
	d1_module_put(ctx, mod);
	return ret;
}

static int cmd_status(void)
{
	struct kmod_module *mod;
	struct kmod_ctx *ctx;
	int state, ret = EXIT_FAILURE;

	if (!d1_module(&ctx, &mod))
		return EXIT_FAILURE;
	state = kmod_module_get_initstate(mod);
	if (state == -ENOENT) {
		printf("%s: not loaded\n", D1_MODULE_NAME);
		ret = EXIT_NOT_LOADED;
	} else if (state < 0) {
		fprintf(stderr, "%s: cannot read the state of %s: %s\n", prog,
			D1_MODULE_NAME, strerror(-state));
	} else if (state == KMOD_MODULE_LIVE) {
		printf("%s: loaded (refcount %d)\n", D1_MODULE_NAME,
		       kmod_module_get_refcnt(mod));
		ret = EXIT_SUCCESS;
	} else {
		printf("%s: %s\n", D1_MODULE_NAME,
		       kmod_module_initstate_str(state));
		ret = EXIT_SUCCESS;
	}
	d1_module_put(ctx, mod);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "load"))
		return cmd_load(argc - 2, argv + 2);
	if (!strcmp(argv[1], "unload") && argc == 2)
		return cmd_unload();
	if (!strcmp(argv[1], "status") && argc == 2)
		return cmd_status();
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return EXIT_SUCCESS;
	}
	usage(stderr);
	return EXIT_USAGE;
}
