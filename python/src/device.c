// SPDX-License-Identifier: MIT
/*
 * d1.Device: an open d1 device (d1_device), the factory of the objects
 * that live on it, and their release in the order libd1 needs when the
 * device is closed.
 */

#include "d1py.h"

static PyStructSequence_Field device_info_fields[] = {
	{ "index", "the device's number" },
	{ "minor", "accel minor number (N of /dev/accel/accelN)" },
	{ "devnode", "device node path" },
	{ "pci_address", "PCI address dddd:bb:dd.f" },
	{ "driver", "kernel driver name" },
	{ "driver_version", "(major, minor, patch)" },
	{ "hw_version", "(major, minor)" },
	{ "pci_device", "PCI device ID" },
	{ "grid", "(cols, rows) of the node mesh" },
	{ "node_count", "usable nodes" },
	{ "sram_per_node", "bytes of SRAM per node" },
	{ "num_queues", "hardware command queues" },
	{ "num_contexts", "device address-space contexts" },
	{ "hbm_size", "bytes of HBM" },
	{ NULL, NULL },
};

PyStructSequence_Desc d1py_device_info_desc = {
	"d1.DeviceInfo",
	"Identity and capabilities of a device (struct d1_device_info).",
	device_info_fields, 14,
};

int d1py_device_check(D1Device *d)
{
	if (d->dev)
		return 0;
	d1py_error(D1_ERROR_INVALID_STATE, "the device is closed");
	return -1;
}

void d1py_link_add(D1Device *d, struct d1py_link *l, PyObject *self,
		   enum d1py_kind kind, void (*release)(PyObject *))
{
	l->self = self;
	l->kind = kind;
	l->release = release;
	l->next = d->children.next;
	l->prev = &d->children;
	d->children.next->prev = l;
	d->children.next = l;
}

void d1py_link_del(struct d1py_link *l)
{
	if (!l->next)
		return;
	l->prev->next = l->next;
	l->next->prev = l->prev;
	l->next = l->prev = NULL;
}

/* Streams (they synchronise), then events, then buffers, then the file. */
static void device_close(D1Device *d)
{
	int kind;

	Py_CLEAR(d->default_stream);
	for (kind = 0; kind < D1PY_NKINDS; kind++) {
		struct d1py_link *l = d->children.next;

		while (l != &d->children) {
			struct d1py_link *next = l->next;

			if ((int)l->kind == kind)
				l->release(l->self);	/* unlinks l */
			l = next;
		}
	}
	if (d->dev) {
		d1_device *dev = d->dev;

		d->dev = NULL;
		Py_BEGIN_ALLOW_THREADS
		d1_device_close(dev);
		Py_END_ALLOW_THREADS
	}
}

static int device_init(D1Device *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "index", "pci", NULL };
	unsigned int index = 0;
	const char *pci = NULL;
	d1_device *dev = NULL;
	d1_status st;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|I$z:Device", kwlist,
					 &index, &pci))
		return -1;
	if (self->dev) {
		d1py_error(D1_ERROR_INVALID_STATE, "the device is already open");
		return -1;
	}
	Py_BEGIN_ALLOW_THREADS
	st = pci ? d1_device_open_by_pci(pci, &dev) :
		   d1_device_open(index, &dev);
	Py_END_ALLOW_THREADS
	if (st) {
		if (pci)
			d1py_errorf(st, "%s: %s", pci, d1_status_string(st));
		else
			d1py_errorf(st, "device %u: %s", index,
				    d1_status_string(st));
		return -1;
	}
	self->dev = dev;
	return 0;
}

static PyObject *device_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
	D1Device *self = (D1Device *)type->tp_alloc(type, 0);

	(void)args;
	(void)kw;
	if (self) {
		self->children.next = self->children.prev = &self->children;
		self->children.self = NULL;
	}
	return (PyObject *)self;
}

static void device_dealloc(D1Device *self)
{
	device_close(self);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *device_info(D1Device *self, void *closure)
{
	struct d1_device_info i;
	d1_status st;
	PyObject *t;

	(void)closure;
	if (d1py_device_check(self))
		return NULL;
	st = d1_device_info(self->dev, &i);
	if (st)
		return d1py_error(st, NULL);
	t = PyStructSequence_New(D1DeviceInfo_Type);
	if (!t)
		return NULL;
	PyStructSequence_SET_ITEM(t, 0, PyLong_FromUnsignedLong(i.index));
	PyStructSequence_SET_ITEM(t, 1, PyLong_FromUnsignedLong(i.minor));
	PyStructSequence_SET_ITEM(t, 2, PyUnicode_FromString(i.devnode));
	PyStructSequence_SET_ITEM(t, 3, PyUnicode_FromString(i.pci_address));
	PyStructSequence_SET_ITEM(t, 4, PyUnicode_FromString(i.driver_name));
	PyStructSequence_SET_ITEM(t, 5, Py_BuildValue("(iii)", i.driver_major,
						      i.driver_minor,
						      i.driver_patch));
	PyStructSequence_SET_ITEM(t, 6, Py_BuildValue("(II)", i.hw_major,
						      i.hw_minor));
	PyStructSequence_SET_ITEM(t, 7, PyLong_FromUnsignedLong(i.pci_device));
	PyStructSequence_SET_ITEM(t, 8, Py_BuildValue("(II)", i.grid_cols,
						      i.grid_rows));
	PyStructSequence_SET_ITEM(t, 9, PyLong_FromUnsignedLong(i.node_count));
	PyStructSequence_SET_ITEM(t, 10, PyLong_FromUnsignedLong(i.sram_per_node));
	PyStructSequence_SET_ITEM(t, 11, PyLong_FromUnsignedLong(i.num_queues));
	PyStructSequence_SET_ITEM(t, 12, PyLong_FromUnsignedLong(i.num_contexts));
	PyStructSequence_SET_ITEM(t, 13, PyLong_FromUnsignedLongLong(i.hbm_size));
	if (PyErr_Occurred()) {
		Py_DECREF(t);
		return NULL;
	}
	return t;
}

static PyObject *device_closed(D1Device *self, void *closure)
{
	(void)closure;
	return PyBool_FromLong(!self->dev);
}

static PyObject *device_ping(D1Device *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "value", "timeout", NULL };
	unsigned int value = 0xd1d1d1d1u;
	PyObject *timeout = Py_None;
	uint32_t echo = 0;
	uint64_t ns;
	d1_status st;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|IO:ping", kwlist, &value,
					 &timeout) ||
	    d1py_device_check(self) || d1py_timeout(timeout, &ns))
		return NULL;
	if (ns == D1_TIMEOUT_INFINITE)
		ns = 0;		/* the driver's default */
	Py_BEGIN_ALLOW_THREADS
	st = d1_device_ping(self->dev, value, &echo, ns);
	Py_END_ALLOW_THREADS
	if (st)
		return d1py_error(st, NULL);
	return PyLong_FromUnsignedLong(echo);
}

static int set_u64(PyObject *d, const char *key, uint64_t v)
{
	PyObject *o = PyLong_FromUnsignedLongLong(v);
	int ret = o ? PyDict_SetItemString(d, key, o) : -1;

	Py_XDECREF(o);
	return ret;
}

static PyObject *device_telemetry(D1Device *self, PyObject *unused)
{
	static const char *const qnames[] = {
		"cmds", "busy_ns", "dma_bytes", "instret", "faults",
		"jobs_done", "jobs_failed", "resets", "cycles",
	};
	struct d1_telemetry t;
	PyObject *d, *queues;
	unsigned int q, i;
	d1_status st;

	(void)unused;
	if (d1py_device_check(self))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	st = d1_device_telemetry(self->dev, &t);
	Py_END_ALLOW_THREADS
	if (st)
		return d1py_error(st, NULL);
	d = PyDict_New();
	queues = PyList_New(0);
	if (!d || !queues || set_u64(d, "temperature_mc", t.temperature_mc) ||
	    set_u64(d, "power_mw", t.power_mw) ||
	    set_u64(d, "pm_state", t.pm_state) ||
	    set_u64(d, "device_resets", t.device_resets) ||
	    PyDict_SetItemString(d, "queues", queues))
		goto fail;
	for (q = 0; q < t.num_queues; q++) {
		const struct d1_queue_telemetry *qt = &t.queue[q];
		const uint64_t v[] = {
			qt->cmds, qt->busy_ns, qt->dma_bytes, qt->instret,
			qt->faults, qt->jobs_done, qt->jobs_failed, qt->resets,
			qt->cycles,
		};
		PyObject *qd = PyDict_New();

		if (!qd || PyList_Append(queues, qd)) {
			Py_XDECREF(qd);
			goto fail;
		}
		Py_DECREF(qd);
		for (i = 0; i < sizeof(qnames) / sizeof(qnames[0]); i++)
			if (set_u64(qd, qnames[i], v[i]))
				goto fail;
	}
	Py_DECREF(queues);
	return d;
fail:
	Py_XDECREF(queues);
	Py_XDECREF(d);
	return NULL;
}

static PyObject *device_buffer(D1Device *self, PyObject *args, PyObject *kw)
{
	if (d1py_device_check(self))
		return NULL;
	return d1py_buffer_new(self, args, kw);
}

static PyObject *device_buffer_from(D1Device *self, PyObject *args,
				    PyObject *kw)
{
	if (d1py_device_check(self))
		return NULL;
	return d1py_buffer_from(self, args, kw);
}

static PyObject *device_stream(D1Device *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "queue", NULL };
	PyObject *q = Py_None;
	int queue = D1_STREAM_ANY_QUEUE;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|O:stream", kwlist, &q) ||
	    d1py_device_check(self))
		return NULL;
	if (q != Py_None) {
		queue = _PyLong_AsInt(q);
		if (queue == -1 && PyErr_Occurred())
			return NULL;
		if (queue < 0)
			return d1py_error(D1_ERROR_INVALID_VALUE,
					  "queue must be >= 0 (or None: any)");
	}
	return d1py_stream_new(self, queue);
}

static PyObject *device_event(D1Device *self, PyObject *unused)
{
	(void)unused;
	if (d1py_device_check(self))
		return NULL;
	return d1py_event_new(self);
}

static PyObject *device_run(D1Device *self, PyObject *args, PyObject *kw)
{
	PyObject *kargs, *launch, *r;

	if (d1py_device_check(self))
		return NULL;
	if (PyTuple_GET_SIZE(args) < 1 ||
	    !PyObject_TypeCheck(PyTuple_GET_ITEM(args, 0), &D1Kernel_Type)) {
		PyErr_SetString(PyExc_TypeError,
				"run(kernel, *args, **config): a d1.Kernel first");
		return NULL;
	}
	if (!self->default_stream) {
		self->default_stream = d1py_stream_new(self, D1_STREAM_ANY_QUEUE);
		if (!self->default_stream)
			return NULL;
	}
	kargs = PyTuple_GetSlice(args, 1, PyTuple_GET_SIZE(args));
	if (!kargs)
		return NULL;
	launch = d1py_launch((D1Stream *)self->default_stream,
			     (D1Kernel *)PyTuple_GET_ITEM(args, 0), kargs, kw);
	Py_DECREF(kargs);
	if (!launch)
		return NULL;
	r = PyObject_CallMethod(self->default_stream, "synchronize", NULL);
	if (!r) {
		Py_DECREF(launch);
		return NULL;
	}
	Py_DECREF(r);
	return launch;
}

static PyObject *device_close_m(D1Device *self, PyObject *unused)
{
	(void)unused;
	device_close(self);
	Py_RETURN_NONE;
}

static PyObject *device_enter(D1Device *self, PyObject *unused)
{
	(void)unused;
	if (d1py_device_check(self))
		return NULL;
	Py_INCREF(self);
	return (PyObject *)self;
}

static PyObject *device_exit(D1Device *self, PyObject *args)
{
	(void)args;
	device_close(self);
	Py_RETURN_FALSE;
}

static PyObject *device_repr(D1Device *self)
{
	struct d1_device_info i;

	if (!self->dev || d1_device_info(self->dev, &i))
		return PyUnicode_FromFormat("<d1.Device %s>",
					    self->dev ? "?" : "closed");
	return PyUnicode_FromFormat("<d1.Device %u %s (%s)>", i.index,
				    i.devnode, i.pci_address);
}

static PyMethodDef device_methods[] = {
	{ "ping", (PyCFunction)(void (*)(void))device_ping,
	  METH_VARARGS | METH_KEYWORDS,
	  "ping(value=0xd1d1d1d1, timeout=None) -> int\n\n"
	  "Ring the doorbell; the device answers ~value." },
	{ "telemetry", (PyCFunction)device_telemetry, METH_NOARGS,
	  "telemetry() -> dict\n\nSensors and per-queue counters." },
	{ "buffer", (PyCFunction)(void (*)(void))device_buffer,
	  METH_VARARGS | METH_KEYWORDS,
	  "buffer(nbytes=None, *, shape=None, dtype=None, like=None, "
	  "mem=MEM_HBM, read_only=False) -> Buffer\n\n"
	  "Device memory, zeroed: nbytes bytes, or room for an array of "
	  "shape and dtype, or like the array `like`." },
	{ "buffer_from", (PyCFunction)(void (*)(void))device_buffer_from,
	  METH_VARARGS | METH_KEYWORDS,
	  "buffer_from(array, *, mem=MEM_HBM, read_only=False) -> Buffer\n\n"
	  "Device memory holding a copy of array (any C-contiguous buffer)." },
	{ "stream", (PyCFunction)(void (*)(void))device_stream,
	  METH_VARARGS | METH_KEYWORDS,
	  "stream(queue=None) -> Stream\n\n"
	  "A stream on hardware queue `queue` (None: spread round-robin)." },
	{ "event", (PyCFunction)device_event, METH_NOARGS,
	  "event() -> Event" },
	{ "run", (PyCFunction)(void (*)(void))device_run,
	  METH_VARARGS | METH_KEYWORDS,
	  "run(kernel, *args, grid=(1, 1), at=(0, 0), harts=1, budget=0, "
	  "time_limit_ms=0, check_exit=False) -> Launch\n\n"
	  "Launch on the device's default stream and wait for it." },
	{ "close", (PyCFunction)device_close_m, METH_NOARGS,
	  "close()\n\nRelease the device's streams, events and buffers, then "
	  "the device." },
	{ "__enter__", (PyCFunction)device_enter, METH_NOARGS, NULL },
	{ "__exit__", (PyCFunction)device_exit, METH_VARARGS, NULL },
	{ NULL, NULL, 0, NULL },
};

static PyGetSetDef device_getset[] = {
	{ "info", (getter)device_info, NULL, "a d1.DeviceInfo", NULL },
	{ "closed", (getter)device_closed, NULL, "True once closed", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

PyTypeObject D1Device_Type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "d1.Device",
	.tp_basicsize = sizeof(D1Device),
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "Device(index=0, *, pci=None)\n\n"
		  "An open d1 device: /dev/accel/accelN of card `index`, or "
		  "the card at PCI address `pci`.",
	.tp_new = device_new,
	.tp_init = (initproc)device_init,
	.tp_dealloc = (destructor)device_dealloc,
	.tp_repr = (reprfunc)device_repr,
	.tp_methods = device_methods,
	.tp_getset = device_getset,
};
