// SPDX-License-Identifier: MIT
/*
 * d1.Stream (d1_stream), d1.Event (d1_event) and d1.Launch (what
 * Stream.launch() returns).
 *
 * Device printf text of a stream's launches is collected while libd1
 * synchronises (without the GIL) and handed to the stream's on_printf
 * callable, or written to sys.stdout, once the GIL is back.  Host arrays
 * that an asynchronous device-to-host copy writes stay exported (held by a
 * memoryview) until the stream has been synchronised past the copy.
 *
 * A launch's outcome is known when its stream is synchronised; Launch
 * objects name what was launched and are where per-node results will be
 * reported once libd1 returns them.
 */
#include <time.h>

#include "d1py.h"

int d1py_stream_check(D1Stream *s)
{
	if (s->s)
		return 0;
	d1py_error(D1_ERROR_INVALID_STATE, "the stream is closed");
	return -1;
}

/* libd1's printf handler: runs inside libd1 calls, without the GIL. */
static void collect_text(void *user, const char *text, size_t len)
{
	D1Stream *s = user;
	char *n;

	if (s->text_len + len > s->text_cap) {
		size_t cap = (s->text_len + len) * 2;

		n = PyMem_RawRealloc(s->text, cap);
		if (!n) {
			s->text_oom = 1;
			return;
		}
		s->text = n;
		s->text_cap = cap;
	}
	memcpy(s->text + s->text_len, text, len);
	s->text_len += len;
}

/* Hands the collected text over; -1 if on_printf raised. */
static int flush_text(D1Stream *s)
{
	PyObject *str, *r;

	if (s->text_oom) {
		s->text_oom = 0;
		PySys_WriteStderr("d1: device printf output lost (out of memory)\n");
	}
	if (!s->text_len)
		return 0;
	str = PyUnicode_DecodeUTF8(s->text, (Py_ssize_t)s->text_len, "replace");
	s->text_len = 0;
	if (!str)
		return -1;
	if (s->on_printf && s->on_printf != Py_None) {
		r = PyObject_CallOneArg(s->on_printf, str);
	} else {
		PyObject *out = PySys_GetObject("stdout");	/* borrowed */

		r = out && out != Py_None ?
		    PyObject_CallMethod(out, "write", "O", str) : Py_NewRef(Py_None);
	}
	Py_DECREF(str);
	if (!r)
		return -1;
	Py_DECREF(r);
	return 0;
}

void d1py_stream_release_targets(D1Stream *s)
{
	Py_ssize_t i;

	for (i = 0; i < PyList_GET_SIZE(s->targets); i++) {
		PyObject *r = PyObject_CallMethod(PyList_GET_ITEM(s->targets, i),
						  "release", NULL);

		Py_XDECREF(r);
		PyErr_Clear();
	}
	PyList_SetSlice(s->targets, 0, PyList_GET_SIZE(s->targets), NULL);
}

/*
 * The outcome of a synchronisation: text, targets, error.  libd1 has done
 * the host side of every pending job when it reports success or what the
 * work did (a failed launch, a hang, a lost device); any other status is
 * the wait itself failing, and pending copies may still write their
 * targets, which then stay exported.
 */
static PyObject *completed(D1Stream *s, d1_status st)
{
	struct d1_error_info e;
	int text_err;

	if (st == D1_SUCCESS || st == D1_ERROR_LAUNCH_FAILED ||
	    st == D1_ERROR_TIMEOUT || st == D1_ERROR_DEVICE_LOST)
		d1py_stream_release_targets(s);
	text_err = flush_text(s);
	if (st) {
		if (text_err)
			PyErr_Clear();
		d1_stream_last_error(s->s, &e);
		return d1py_error_info(st, &e);
	}
	if (text_err)
		return NULL;
	Py_RETURN_NONE;
}

static void stream_release(PyObject *self)
{
	D1Stream *s = (D1Stream *)self;
	d1_stream *ds = s->s;

	d1py_link_del(&s->link);
	s->s = NULL;
	if (ds)
		D1PY_BLOCKING(s->lock, d1_stream_destroy(ds));
	d1py_stream_release_targets(s);
	if (flush_text(s))
		PyErr_WriteUnraisable(self);
}

PyObject *d1py_stream_new(D1Device *d, int queue)
{
	d1_stream *ds = NULL;
	D1Stream *s;
	d1_status st;

	Py_BEGIN_ALLOW_THREADS
	st = d1_stream_create(d->dev, queue, &ds);
	Py_END_ALLOW_THREADS
	if (st)
		return d1py_errorf(st, "stream on queue %d: %s", queue,
				   d1_status_string(st));
	s = PyObject_GC_New(D1Stream, &D1Stream_Type);
	if (!s) {
		d1_stream_destroy(ds);
		return NULL;
	}
	s->s = ds;
	s->lock = PyThread_allocate_lock();
	s->targets = PyList_New(0);
	s->text = NULL;
	s->text_len = s->text_cap = 0;
	s->text_oom = 0;
	s->on_printf = Py_NewRef(Py_None);
	s->device = (D1Device *)Py_NewRef(d);
	d1py_link_add(d, &s->link, (PyObject *)s, D1PY_STREAM, stream_release);
	d1_stream_set_printf_handler(ds, collect_text, s);
	PyObject_GC_Track(s);
	if (!s->lock || !s->targets) {
		Py_DECREF(s);
		return PyErr_Occurred() ? NULL : PyErr_NoMemory();
	}
	return (PyObject *)s;
}

/* on_printf may refer back to the stream: the collector sees through it. */
static int stream_traverse(D1Stream *self, visitproc visit, void *arg)
{
	Py_VISIT(self->on_printf);
	Py_VISIT(self->targets);
	Py_VISIT(self->device);
	return 0;
}

static int stream_clear(D1Stream *self)
{
	Py_CLEAR(self->on_printf);
	return 0;
}

static void stream_dealloc(D1Stream *self)
{
	PyObject_GC_UnTrack(self);
	stream_release((PyObject *)self);
	if (self->lock)
		PyThread_free_lock(self->lock);
	Py_XDECREF(self->targets);
	Py_XDECREF(self->on_printf);
	Py_XDECREF(self->device);
	PyMem_RawFree(self->text);
	PyObject_GC_Del(self);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * With a time limit, poll d1_stream_query(): libd1's synchronize says
 * D1_ERROR_TIMEOUT both when the limit ran out and when a kernel hung,
 * the query tells the two apart (NOT_READY: still running).
 */
static d1_status wait_for(D1Stream *s, uint64_t ns)
{
	uint64_t deadline = now_ns() + ns, pause = 50000;
	struct timespec ts = { 0, 0 };
	d1_status st;

	for (;;) {
		st = d1_stream_query(s->s);
		if (st != D1_ERROR_NOT_READY)
			return st;
		if (now_ns() >= deadline)
			return D1_ERROR_NOT_READY;
		ts.tv_nsec = (long)pause;
		nanosleep(&ts, NULL);
		if (pause < 10000000)
			pause *= 2;
	}
}

static PyObject *stream_synchronize(D1Stream *self, PyObject *args,
				    PyObject *kw)
{
	static char *kwlist[] = { "timeout", NULL };
	PyObject *to = Py_None;
	uint64_t ns;
	d1_status st;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|O:synchronize", kwlist, &to) ||
	    d1py_stream_check(self) || d1py_timeout(to, &ns))
		return NULL;
	if (ns == D1_TIMEOUT_INFINITE)
		D1PY_BLOCKING(self->lock,
			      st = d1_stream_synchronize(self->s, ns));
	else
		D1PY_BLOCKING(self->lock, st = wait_for(self, ns));
	if (st == D1_ERROR_NOT_READY) {
		if (flush_text(self))
			return NULL;
		return d1py_error(D1_ERROR_TIMEOUT,
				  "the stream's work did not finish in time (it goes on)");
	}
	return completed(self, st);
}

static PyObject *stream_query(D1Stream *self, PyObject *unused)
{
	d1_status st;
	PyObject *r;

	(void)unused;
	if (d1py_stream_check(self))
		return NULL;
	D1PY_BLOCKING(self->lock, st = d1_stream_query(self->s));
	if (st == D1_ERROR_NOT_READY)
		Py_RETURN_FALSE;
	r = completed(self, st);
	if (!r)
		return NULL;
	Py_DECREF(r);
	Py_RETURN_TRUE;
}

static D1Event *event_arg(D1Stream *s, PyObject *o)
{
	D1Event *e;

	if (!PyObject_TypeCheck(o, &D1Event_Type)) {
		PyErr_SetString(PyExc_TypeError, "expected a d1.Event");
		return NULL;
	}
	e = (D1Event *)o;
	if (!e->e) {
		d1py_error(D1_ERROR_INVALID_STATE, "the event is closed");
		return NULL;
	}
	if (e->device != s->device) {
		d1py_error(D1_ERROR_INVALID_VALUE,
			   "the event belongs to another device");
		return NULL;
	}
	return e;
}

static PyObject *stream_wait(D1Stream *self, PyObject *arg)
{
	D1Event *e;
	d1_status st;

	if (d1py_stream_check(self))
		return NULL;
	e = event_arg(self, arg);
	if (!e)
		return NULL;
	D1PY_BLOCKING(self->lock, st = d1_stream_wait_event(self->s, e->e));
	if (st)
		return d1py_error(st, st == D1_ERROR_INVALID_STATE ?
				  "the event was never recorded" : NULL);
	Py_RETURN_NONE;
}

static PyObject *stream_record(D1Stream *self, PyObject *args)
{
	PyObject *eo = NULL;
	D1Event *e;
	d1_status st;

	if (!PyArg_ParseTuple(args, "|O:record", &eo) || d1py_stream_check(self))
		return NULL;
	if (!eo || eo == Py_None) {
		eo = d1py_event_new(self->device);
		if (!eo)
			return NULL;
	} else {
		Py_INCREF(eo);
	}
	e = event_arg(self, eo);
	if (!e) {
		Py_DECREF(eo);
		return NULL;
	}
	D1PY_BLOCKING(self->lock, st = d1_event_record(e->e, self->s));
	if (st) {
		Py_DECREF(eo);
		return d1py_error(st, NULL);
	}
	return eo;
}

static PyObject *stream_launch_m(D1Stream *self, PyObject *args, PyObject *kw)
{
	PyObject *kargs, *r;

	if (PyTuple_GET_SIZE(args) < 1 ||
	    !PyObject_TypeCheck(PyTuple_GET_ITEM(args, 0), &D1Kernel_Type)) {
		PyErr_SetString(PyExc_TypeError,
				"launch(kernel, *args, **config): a d1.Kernel first");
		return NULL;
	}
	kargs = PyTuple_GetSlice(args, 1, PyTuple_GET_SIZE(args));
	if (!kargs)
		return NULL;
	r = d1py_launch(self, (D1Kernel *)PyTuple_GET_ITEM(args, 0), kargs, kw);
	Py_DECREF(kargs);
	return r;
}

static PyObject *stream_close(D1Stream *self, PyObject *unused)
{
	(void)unused;
	stream_release((PyObject *)self);
	Py_RETURN_NONE;
}

static PyObject *stream_enter(D1Stream *self, PyObject *unused)
{
	(void)unused;
	if (d1py_stream_check(self))
		return NULL;
	return Py_NewRef(self);
}

static PyObject *stream_exit(D1Stream *self, PyObject *args)
{
	(void)args;
	stream_release((PyObject *)self);
	Py_RETURN_FALSE;
}

static PyObject *stream_get_queue(D1Stream *self, void *closure)
{
	unsigned int q;

	(void)closure;
	if (d1py_stream_check(self))
		return NULL;
	d1_stream_queue(self->s, &q);
	return PyLong_FromUnsignedLong(q);
}

static PyObject *stream_last_error(D1Stream *self, void *closure)
{
	struct d1_error_info e;

	(void)closure;
	if (d1py_stream_check(self))
		return NULL;
	d1_stream_last_error(self->s, &e);
	if (e.kind == D1_ERRKIND_NONE && !e.message[0])
		Py_RETURN_NONE;
	return d1py_error_info_tuple(&e);
}

static PyObject *stream_get_on_printf(D1Stream *self, void *closure)
{
	(void)closure;
	return Py_NewRef(self->on_printf ? self->on_printf : Py_None);
}

static int stream_set_on_printf(D1Stream *self, PyObject *v, void *closure)
{
	(void)closure;
	if (!v)
		v = Py_None;
	if (v != Py_None && !PyCallable_Check(v)) {
		PyErr_SetString(PyExc_TypeError, "on_printf must be callable or None");
		return -1;
	}
	Py_SETREF(self->on_printf, Py_NewRef(v));
	return 0;
}

static PyObject *stream_repr(D1Stream *self)
{
	unsigned int q;

	if (!self->s)
		return PyUnicode_FromString("<d1.Stream closed>");
	d1_stream_queue(self->s, &q);
	return PyUnicode_FromFormat("<d1.Stream on queue %u>", q);
}

static PyMethodDef stream_methods[] = {
	{ "synchronize", (PyCFunction)(void (*)(void))stream_synchronize,
	  METH_VARARGS | METH_KEYWORDS,
	  "synchronize(timeout=None)\n\n"
	  "Wait for the stream's work (timeout in seconds); raise the first "
	  "failure, e.g. d1.LaunchFailedError with .info." },
	{ "query", (PyCFunction)stream_query, METH_NOARGS,
	  "query() -> bool\n\nTrue when all work is done (failures raise)." },
	{ "wait", (PyCFunction)stream_wait, METH_O,
	  "wait(event)\n\nThe next work on this stream waits for event (on "
	  "the device)." },
	{ "record", (PyCFunction)stream_record, METH_VARARGS,
	  "record(event=None) -> Event\n\nMark the current end of the stream "
	  "(in a new event if None)." },
	{ "launch", (PyCFunction)(void (*)(void))stream_launch_m,
	  METH_VARARGS | METH_KEYWORDS,
	  "launch(kernel, *args, grid=(1, 1), at=(0, 0), harts=1, budget=0, "
	  "time_limit_ms=0, check_exit=False) -> Launch\n\n"
	  "Enqueue kernel on the cols x rows rectangle `grid` of nodes whose "
	  "first node is `at` (x, y); args set every parameter (none: the "
	  "kernel's current arguments). time_limit_ms stops it after that "
	  "long on its nodes (0: the driver's job timeout)." },
	{ "close", (PyCFunction)stream_close, METH_NOARGS,
	  "close()\n\nSynchronise and free the stream." },
	{ "__enter__", (PyCFunction)stream_enter, METH_NOARGS, NULL },
	{ "__exit__", (PyCFunction)stream_exit, METH_VARARGS, NULL },
	{ NULL, NULL, 0, NULL },
};

static PyGetSetDef stream_getset[] = {
	{ "queue", (getter)stream_get_queue, NULL, "its hardware queue", NULL },
	{ "last_error", (getter)stream_last_error, NULL,
	  "the last failure reported (a d1.ErrorInfo) or None", NULL },
	{ "on_printf", (getter)stream_get_on_printf,
	  (setter)stream_set_on_printf,
	  "called with device printf text; None: sys.stdout", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

PyTypeObject D1Stream_Type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "d1.Stream",
	.tp_basicsize = sizeof(D1Stream),
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
	.tp_traverse = (traverseproc)stream_traverse,
	.tp_clear = (inquiry)stream_clear,
	.tp_doc = "An in-order queue of device work; made by Device.stream().",
	.tp_dealloc = (destructor)stream_dealloc,
	.tp_repr = (reprfunc)stream_repr,
	.tp_methods = stream_methods,
	.tp_getset = stream_getset,
};

/* ---- launches ---------------------------------------------------------- */

typedef struct {
	PyObject_HEAD
	PyObject *stream;
	PyObject *kernel;		/* its name */
	unsigned int x0, y0, cols, rows, harts;
	d1_launch_result *result;	/* filled when it ends */
} D1Launch;

static int pair(PyObject *o, unsigned int *a, unsigned int *b, const char *what)
{
	if (!o)
		return 0;
	if (!PyArg_ParseTuple(o, "II", a, b)) {
		PyErr_Clear();
		d1py_errorf(D1_ERROR_INVALID_VALUE, "%s must be a pair of ints >= 0",
			    what);
		return -1;
	}
	return 0;
}

PyObject *d1py_launch(D1Stream *s, D1Kernel *k, PyObject *args,
		      PyObject *kwargs)
{
	static char *kwlist[] = { "grid", "at", "harts", "budget",
				  "time_limit_ms", "check_exit", NULL };
	struct d1_launch_config cfg = { .cols = 1, .rows = 1, .harts = 1 };
	PyObject *grid = NULL, *at = NULL, *empty;
	unsigned long long budget = 0, time_limit = 0;
	struct d1py_arg *a = NULL;
	unsigned int harts = 1, n = 0;
	int check_exit = 0, ok;
	d1_status st = D1_SUCCESS;
	d1_launch_result *res = NULL;
	D1Launch *l;

	if (d1py_stream_check(s))
		return NULL;
	empty = PyTuple_New(0);
	if (!empty)
		return NULL;
	ok = PyArg_ParseTupleAndKeywords(empty, kwargs, "|$OOIKKp:launch",
					 kwlist, &grid, &at, &harts, &budget,
					 &time_limit, &check_exit);
	Py_DECREF(empty);
	if (!ok || pair(grid, &cfg.cols, &cfg.rows, "grid") ||
	    pair(at, &cfg.x0, &cfg.y0, "at"))
		return NULL;
	cfg.harts = harts;
	cfg.budget = budget;
	cfg.time_limit_ms = time_limit;
	cfg.flags = check_exit ? D1_LAUNCH_CHECK_EXIT : 0;
	if (PyTuple_GET_SIZE(args) || !PyTuple_GET_SIZE(k->args)) {
		a = d1py_args_prepare(k, args, s->device, &n);
		if (!a)
			return NULL;
	}
	Py_BEGIN_ALLOW_THREADS
	PyThread_acquire_lock(k->lock, WAIT_LOCK);
	PyThread_acquire_lock(s->lock, WAIT_LOCK);
	if (a)
		st = d1py_args_apply(k, a, n);
	if (!st)
		st = d1_launch_with_result(s->s, k->k, &cfg, &res);
	PyThread_release_lock(s->lock);
	PyThread_release_lock(k->lock);
	Py_END_ALLOW_THREADS
	if (a) {
		if (!st)
			d1py_args_bind(k, a, n);
		d1py_args_free(a, n);
	}
	if (st) {
		struct d1_error_info e;

		d1_stream_last_error(s->s, &e);
		if (st == D1_ERROR_ARGUMENT || st == D1_ERROR_INVALID_VALUE)
			return d1py_errorf(st, "kernel %s: %s",
					   PyUnicode_AsUTF8(k->name),
					   e.message[0] ? e.message :
					   st == D1_ERROR_INVALID_VALUE ?
					   "the rectangle is outside the grid or the hart count is not 1-4" :
					   d1_status_string(st));
		return d1py_error_info(st, &e);
	}
	l = PyObject_New(D1Launch, &D1Launch_Type);
	if (!l) {
		d1_launch_result_destroy(res);
		return NULL;
	}
	l->result = res;
	l->stream = Py_NewRef(s);
	l->kernel = Py_NewRef(k->name);
	l->x0 = cfg.x0;
	l->y0 = cfg.y0;
	l->cols = cfg.cols ? cfg.cols : 1;
	l->rows = cfg.rows ? cfg.rows : 1;
	l->harts = cfg.harts ? cfg.harts : 1;
	return (PyObject *)l;
}

static void launch_dealloc(D1Launch *self)
{
	if (self->result)
		d1_launch_result_destroy(self->result);
	Py_XDECREF(self->stream);
	Py_XDECREF(self->kernel);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *launch_get(D1Launch *self, void *closure)
{
	switch ((intptr_t)closure) {
	case 0:
		return Py_NewRef(self->kernel);
	case 1:
		return Py_NewRef(self->stream);
	case 2:
		return Py_BuildValue("(II)", self->cols, self->rows);
	case 3:
		return Py_BuildValue("(II)", self->x0, self->y0);
	default:
		return PyLong_FromUnsignedLong(self->harts);
	}
}

static PyObject *launch_repr(D1Launch *self)
{
	return PyUnicode_FromFormat("<d1.Launch %U on %ux%u node(s) at (%u,%u), %u hart(s)>",
				    self->kernel, self->cols, self->rows,
				    self->x0, self->y0, self->harts);
}

/* Launch.info(): the finished launch as a dict. */
static PyObject *launch_info(D1Launch *self, PyObject *unused)
{
	struct d1_launch_info li;
	d1_status st = d1_launch_result_info(self->result, &li);

	(void)unused;
	if (st)
		return d1py_error(st, "the launch has not ended: synchronize its stream first");
	return Py_BuildValue("{s:s,s:s,s:K,s:K,s:d,s:K,s:O}",
			     "kernel", li.kernel,
			     "status", d1_status_name(li.status),
			     "cycles", (unsigned long long)li.cycles,
			     "instret", (unsigned long long)li.instret,
			     "sim_ms", li.sim_ms,
			     "grid_ns", (unsigned long long)li.grid_ns,
			     "counters", li.counters ? Py_True : Py_False);
}

#define U64(v)	((unsigned long long)(v))

/* Launch.nodes(): one dict per node, row-major in the rectangle. */
static PyObject *launch_nodes(D1Launch *self, PyObject *unused)
{
	unsigned int i, n = self->cols * self->rows;
	struct d1_node_result r;
	PyObject *list, *d;
	d1_status st;

	(void)unused;
	list = PyList_New(0);
	for (i = 0; list && i < n; i++) {
		st = d1_launch_result_node(self->result, i, &r);
		if (st) {
			Py_DECREF(list);
			return d1py_error(st, "the launch has not ended: synchronize its stream first");
		}
		d = Py_BuildValue("{s:(II),s:s,s:i,s:I,s:I,s:K,s:K,s:K,s:(KKKK),"
				  "s:K,s:K,s:K,s:K,s:K,s:K,s:K,s:K,s:K,s:K,"
				  "s:(KKKK)}",
				  "at", r.x, r.y,
				  "state", d1_node_state_name(r.status),
				  "exit_code", r.exit_code, "fault", r.fault,
				  "hart", r.hart, "fault_pc", U64(r.fault_pc),
				  "fault_addr", U64(r.fault_addr),
				  "cycles", U64(r.cycles),
				  "instret", U64(r.instret[0]), U64(r.instret[1]),
				  U64(r.instret[2]), U64(r.instret[3]),
				  "stall_dma", U64(r.stall_dma),
				  "stall_sem", U64(r.stall_sem),
				  "stall_barrier", U64(r.stall_barrier),
				  "vec_ops", U64(r.vec_ops),
				  "mat_ops", U64(r.mat_ops),
				  "flops", U64(r.flops),
				  "dma_hbm_read", U64(r.dma_hbm_read),
				  "dma_hbm_write", U64(r.dma_hbm_write),
				  "dma_node_out", U64(r.dma_node_out),
				  "dma_node_in", U64(r.dma_node_in),
				  "link_bytes", U64(r.link_bytes[0]),
				  U64(r.link_bytes[1]), U64(r.link_bytes[2]),
				  U64(r.link_bytes[3]));
		if (!d || PyList_Append(list, d)) {
			Py_XDECREF(d);
			Py_DECREF(list);
			return NULL;
		}
		Py_DECREF(d);
	}
	return list;
}

static PyMethodDef launch_methods[] = {
	{ "info", (PyCFunction)launch_info, METH_NOARGS,
	  "info() -> dict: kernel, status, modelled cycles, instret, sim_ms, "
	  "grid_ns, counters; once the launch has ended." },
	{ "nodes", (PyCFunction)launch_nodes, METH_NOARGS,
	  "nodes() -> list of dicts, row-major: at, state, exit_code, fault, "
	  "hart, fault_pc, fault_addr and the node's counters; once the "
	  "launch has ended." },
	{ NULL, NULL, 0, NULL },
};

static PyGetSetDef launch_getset[] = {
	{ "kernel", (getter)launch_get, NULL, "the kernel's name", (void *)0 },
	{ "stream", (getter)launch_get, NULL, "the stream it runs on", (void *)1 },
	{ "grid", (getter)launch_get, NULL, "(cols, rows)", (void *)2 },
	{ "at", (getter)launch_get, NULL, "(x, y) of the first node", (void *)3 },
	{ "harts", (getter)launch_get, NULL, "harts per node", (void *)4 },
	{ NULL, NULL, NULL, NULL, NULL },
};

PyTypeObject D1Launch_Type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "d1.Launch",
	.tp_basicsize = sizeof(D1Launch),
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "A kernel launch enqueued on a stream (its outcome comes "
		  "with Stream.synchronize()).",
	.tp_dealloc = (destructor)launch_dealloc,
	.tp_repr = (reprfunc)launch_repr,
	.tp_methods = launch_methods,
	.tp_getset = launch_getset,
};

/* ---- events ------------------------------------------------------------ */

static void event_release(PyObject *self)
{
	D1Event *e = (D1Event *)self;
	d1_event *de = e->e;

	d1py_link_del(&e->link);
	e->e = NULL;
	if (de)
		D1PY_BLOCKING(NULL, d1_event_destroy(de));
}

PyObject *d1py_event_new(D1Device *d)
{
	d1_event *de = NULL;
	D1Event *e;
	d1_status st = d1_event_create(d->dev, &de);

	if (st)
		return d1py_error(st, NULL);
	e = PyObject_New(D1Event, &D1Event_Type);
	if (!e) {
		d1_event_destroy(de);
		return NULL;
	}
	e->e = de;
	e->device = (D1Device *)Py_NewRef(d);
	d1py_link_add(d, &e->link, (PyObject *)e, D1PY_EVENT, event_release);
	return (PyObject *)e;
}

static void event_dealloc(D1Event *self)
{
	event_release((PyObject *)self);
	Py_XDECREF(self->device);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

static int event_check(D1Event *e)
{
	if (e->e)
		return 0;
	d1py_error(D1_ERROR_INVALID_STATE, "the event is closed");
	return -1;
}

static PyObject *event_record(D1Event *self, PyObject *arg)
{
	PyObject *args, *r;

	if (!PyObject_TypeCheck(arg, &D1Stream_Type)) {
		PyErr_SetString(PyExc_TypeError, "record(stream): a d1.Stream");
		return NULL;
	}
	args = PyTuple_Pack(1, (PyObject *)self);
	if (!args)
		return NULL;
	r = stream_record((D1Stream *)arg, args);
	Py_DECREF(args);
	if (!r)
		return NULL;
	Py_DECREF(r);
	Py_RETURN_NONE;
}

static PyObject *event_synchronize(D1Event *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "timeout", NULL };
	PyObject *to = Py_None;
	uint64_t ns;
	d1_status st;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|O:synchronize", kwlist, &to) ||
	    event_check(self) || d1py_timeout(to, &ns))
		return NULL;
	D1PY_BLOCKING(NULL, st = d1_event_synchronize(self->e, ns));
	if (st)
		return d1py_error(st, st == D1_ERROR_INVALID_STATE ?
				  "the event was never recorded" :
				  st == D1_ERROR_TIMEOUT ?
				  "the event did not complete in time" : NULL);
	Py_RETURN_NONE;
}

static PyObject *event_query(D1Event *self, PyObject *unused)
{
	d1_status st;

	(void)unused;
	if (event_check(self))
		return NULL;
	st = d1_event_query(self->e);
	if (st == D1_ERROR_NOT_READY)
		Py_RETURN_FALSE;
	if (st)
		return d1py_error(st, st == D1_ERROR_INVALID_STATE ?
				  "the event was never recorded" : NULL);
	Py_RETURN_TRUE;
}

static PyObject *event_elapsed_ms(D1Event *self, PyObject *arg)
{
	D1Event *end;
	d1_status st;
	float ms = 0;

	if (!PyObject_TypeCheck(arg, &D1Event_Type)) {
		PyErr_SetString(PyExc_TypeError, "elapsed_ms(end): a d1.Event");
		return NULL;
	}
	end = (D1Event *)arg;
	if (event_check(self) || event_check(end))
		return NULL;
	st = d1_event_elapsed_ms(self->e, end->e, &ms);
	if (st)
		return d1py_error(st, st == D1_ERROR_NOT_READY ?
				  "an event has not completed" : NULL);
	return PyFloat_FromDouble(ms);
}

static PyObject *event_close(D1Event *self, PyObject *unused)
{
	(void)unused;
	event_release((PyObject *)self);
	Py_RETURN_NONE;
}

static PyMethodDef event_methods[] = {
	{ "record", (PyCFunction)event_record, METH_O,
	  "record(stream)\n\nMark the current end of stream." },
	{ "synchronize", (PyCFunction)(void (*)(void))event_synchronize,
	  METH_VARARGS | METH_KEYWORDS,
	  "synchronize(timeout=None)\n\nWait for the event (seconds)." },
	{ "query", (PyCFunction)event_query, METH_NOARGS,
	  "query() -> bool\n\nTrue once completed." },
	{ "elapsed_ms", (PyCFunction)event_elapsed_ms, METH_O,
	  "elapsed_ms(end) -> float\n\nDevice time from this event to end, "
	  "both completed." },
	{ "close", (PyCFunction)event_close, METH_NOARGS, "close()" },
	{ NULL, NULL, 0, NULL },
};

PyTypeObject D1Event_Type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "d1.Event",
	.tp_basicsize = sizeof(D1Event),
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "A point in a stream with a device timestamp; made by "
		  "Device.event() or Stream.record().",
	.tp_dealloc = (destructor)event_dealloc,
	.tp_methods = event_methods,
};
