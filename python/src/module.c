// SPDX-License-Identifier: MIT
/*
 * d1._d1: module set-up, the exception hierarchy and the small helpers
 * the object files share.
 *
 * Every libd1 status other than D1_SUCCESS raises a subclass of d1.Error
 * named after it (D1_ERROR_BUILD: d1.BuildError, ...), carrying .status
 * (the number), .status_name ("D1_ERROR_BUILD"), .message (the device's
 * or the library's words) and, where libd1 has them, .info (a d1.ErrorInfo
 * for failed device work) or .log (the compiler output).  Where a Python
 * built-in means the same, the class also derives from it, so
 * `except ValueError` catches d1.InvalidValueError.
 */
#include <errno.h>
#include <stdarg.h>

#include "d1py.h"

static PyObject *d1py_Error;

static const struct {
	d1_status status;
	const char *name;
	PyObject **builtin;
} errtab[] = {
	{ D1_ERROR_INVALID_VALUE, "InvalidValueError", &PyExc_ValueError },
	{ D1_ERROR_OUT_OF_MEMORY, "OutOfMemoryError", &PyExc_MemoryError },
	{ D1_ERROR_NO_DEVICE, "NoDeviceError", NULL },
	{ D1_ERROR_PERMISSION, "PermissionError", &PyExc_PermissionError },
	{ D1_ERROR_DEVICE_LOST, "DeviceLostError", NULL },
	{ D1_ERROR_TIMEOUT, "TimeoutError", &PyExc_TimeoutError },
	{ D1_ERROR_NOT_SUPPORTED, "NotSupportedError", NULL },
	{ D1_ERROR_OS, "OSError", &PyExc_OSError },
	{ D1_ERROR_BUILD, "BuildError", NULL },
	{ D1_ERROR_NOT_FOUND, "NotFoundError", &PyExc_LookupError },
	{ D1_ERROR_ARGUMENT, "ArgumentError", &PyExc_TypeError },
	{ D1_ERROR_LAUNCH_FAILED, "LaunchFailedError", NULL },
	{ D1_ERROR_NOT_READY, "NotReadyError", NULL },
	{ D1_ERROR_INVALID_STATE, "InvalidStateError", NULL },
	{ D1_ERROR_NOT_LINKED, "NotLinkedError", NULL },
};
#define NERR (sizeof(errtab) / sizeof(errtab[0]))

static PyObject *errcls[NERR];

static PyObject *error_class(d1_status st)
{
	size_t i;

	for (i = 0; i < NERR; i++)
		if (errtab[i].status == st)
			return errcls[i];
	return d1py_Error;
}

/* Raises the class of @st with @message and the given attributes. */
static PyObject *raise_status(d1_status st, const char *message, PyObject *info,
		       PyObject *log)
{
	PyObject *cls = error_class(st), *exc, *v;
	int err = errno;
	char text[512];

	snprintf(text, sizeof(text), "%s: %s", d1_status_name(st), message);
	exc = PyObject_CallFunction(cls, "s", text);
	if (!exc)
		return NULL;
	v = PyLong_FromLong(st);
	if (!v || PyObject_SetAttrString(exc, "status", v))
		goto fail;
	Py_DECREF(v);
	v = PyUnicode_FromString(d1_status_name(st));
	if (!v || PyObject_SetAttrString(exc, "status_name", v))
		goto fail;
	Py_DECREF(v);
	v = PyUnicode_DecodeUTF8(message, strlen(message), "replace");
	if (!v || PyObject_SetAttrString(exc, "message", v))
		goto fail;
	Py_DECREF(v);
	if (PyObject_SetAttrString(exc, "info", info ? info : Py_None) ||
	    PyObject_SetAttrString(exc, "log", log ? log : Py_None))
		goto fail_noref;
	/* The system error behind OS-level statuses (EACCES, ENODEV...). */
	if ((st == D1_ERROR_OS || st == D1_ERROR_PERMISSION) && err) {
		v = PyLong_FromLong(err);
		if (!v || PyObject_SetAttrString(exc, "errno", v))
			goto fail;
		Py_DECREF(v);
	}
	PyErr_SetObject(cls, exc);
	Py_DECREF(exc);
	return NULL;
fail:
	Py_XDECREF(v);
fail_noref:
	Py_DECREF(exc);
	return NULL;
}

PyObject *d1py_error(d1_status st, const char *message)
{
	return raise_status(st, message ? message : d1_status_string(st), NULL, NULL);
}

PyObject *d1py_errorf(d1_status st, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return raise_status(st, msg, NULL, NULL);
}

static const char *const errkinds[] = {
	[D1_ERRKIND_NONE] = "none",
	[D1_ERRKIND_NODE_FAULT] = "node_fault",
	[D1_ERRKIND_MMU_FAULT] = "mmu_fault",
	[D1_ERRKIND_TIMEOUT] = "timeout",
	[D1_ERRKIND_BUDGET] = "budget",
	[D1_ERRKIND_DEADLOCK] = "deadlock",
	[D1_ERRKIND_BAD_COMMAND] = "bad_command",
	[D1_ERRKIND_EXIT_CODE] = "exit_code",
	[D1_ERRKIND_CANCELLED] = "cancelled",
	[D1_ERRKIND_DISPATCH] = "dispatch",
	[D1_ERRKIND_TIME_LIMIT] = "time_limit",
	[D1_ERRKIND_LINK] = "link",
};

static PyStructSequence_Field error_info_fields[] = {
	{ "kind", "what went wrong: node_fault, mmu_fault, timeout, budget, deadlock, bad_command, exit_code, cancelled, dispatch, time_limit, link" },
	{ "node", "(x, y) of the first faulting node" },
	{ "hart", "its hart" },
	{ "fault", "the ISA's node fault code" },
	{ "exit_code", "the node's exit code" },
	{ "pc", "faulting program counter" },
	{ "address", "the fault's address (node fault) or VA (MMU fault)" },
	{ "access", "MMU faults: 0 read, 1 write, 2 exec" },
	{ "reason", "MMU faults: 1 unmapped, 2 permission, 3 bad PTE, 4 range, 5 bus, 6 bad context" },
	{ "kernel", "the kernel's name ('' for copies)" },
	{ "message", "all of it as one line" },
	{ NULL, NULL },
};

static PyStructSequence_Desc error_info_desc = {
	"d1.ErrorInfo",
	"What failed device work reported (libd1's struct d1_error_info).",
	error_info_fields, 11,
};

PyTypeObject *D1ErrorInfo_Type;

PyObject *d1py_error_info_tuple(const struct d1_error_info *e)
{
	PyObject *t = PyStructSequence_New(D1ErrorInfo_Type);
	const char *kind = e->kind < sizeof(errkinds) / sizeof(errkinds[0]) ?
			   errkinds[e->kind] : "unknown";

	if (!t)
		return NULL;
	PyStructSequence_SET_ITEM(t, 0, PyUnicode_FromString(kind));
	PyStructSequence_SET_ITEM(t, 1, Py_BuildValue("(II)", e->node_x,
						      e->node_y));
	PyStructSequence_SET_ITEM(t, 2, PyLong_FromUnsignedLong(e->hart));
	PyStructSequence_SET_ITEM(t, 3, PyLong_FromUnsignedLong(e->fault));
	PyStructSequence_SET_ITEM(t, 4, PyLong_FromUnsignedLong(e->exit_code));
	PyStructSequence_SET_ITEM(t, 5, PyLong_FromUnsignedLongLong(e->pc));
	PyStructSequence_SET_ITEM(t, 6, PyLong_FromUnsignedLongLong(e->address));
	PyStructSequence_SET_ITEM(t, 7, PyLong_FromUnsignedLong(e->access));
	PyStructSequence_SET_ITEM(t, 8, PyLong_FromUnsignedLong(e->reason));
	PyStructSequence_SET_ITEM(t, 9, PyUnicode_DecodeUTF8(e->kernel,
				  strnlen(e->kernel, sizeof(e->kernel)), "replace"));
	PyStructSequence_SET_ITEM(t, 10, PyUnicode_DecodeUTF8(e->message,
				  strnlen(e->message, sizeof(e->message)), "replace"));
	if (PyErr_Occurred()) {
		Py_DECREF(t);
		return NULL;
	}
	return t;
}

PyObject *d1py_error_info(d1_status st, const struct d1_error_info *e)
{
	PyObject *info;

	if (e->kind == D1_ERRKIND_NONE && !e->message[0])
		return d1py_error(st, NULL);
	info = d1py_error_info_tuple(e);
	if (!info)
		return NULL;
	raise_status(st, e->message[0] ? e->message : d1_status_string(st), info, NULL);
	Py_DECREF(info);
	return NULL;
}

PyObject *d1py_build_log(d1_program *prog)
{
	PyObject *s;
	size_t n = 0;
	char *buf;

	if (d1_program_build_log(prog, NULL, 0, &n) || n <= 1)
		return PyUnicode_FromString("");
	buf = PyMem_Malloc(n);
	if (!buf)
		return PyErr_NoMemory();
	d1_program_build_log(prog, buf, n, &n);
	s = PyUnicode_DecodeUTF8(buf, strlen(buf), "replace");
	PyMem_Free(buf);
	return s;
}

PyObject *d1py_build_error(d1_program *prog)
{
	PyObject *log = d1py_build_log(prog);
	char msg[512];
	const char *l, *nl;

	if (!log)
		return NULL;
	/* The message: the first diagnostic, the whole log is in .log. */
	l = PyUnicode_AsUTF8(log);
	if (!l)
		return NULL;
	nl = strstr(l, "error");
	if (nl) {
		while (nl > l && nl[-1] != '\n')
			nl--;
		l = nl;
	}
	snprintf(msg, sizeof(msg), "the program failed to build%s%.*s",
		 *l ? ": " : "", (int)strcspn(l, "\n"), l);
	raise_status(D1_ERROR_BUILD, msg, NULL, log);
	Py_DECREF(log);
	return NULL;
}

int d1py_timeout(PyObject *obj, uint64_t *ns)
{
	double s;

	if (!obj || obj == Py_None) {
		*ns = D1_TIMEOUT_INFINITE;
		return 0;
	}
	s = PyFloat_AsDouble(obj);
	if (s == -1.0 && PyErr_Occurred())
		return -1;
	if (!(s >= 0)) {
		PyErr_SetString(PyExc_ValueError,
				"timeout must be >= 0 seconds or None");
		return -1;
	}
	*ns = s >= 1.8e10 ? D1_TIMEOUT_INFINITE : (uint64_t)(s * 1e9);
	return 0;
}

static PyObject *m_device_count(PyObject *mod, PyObject *unused)
{
	unsigned int n = 0;
	d1_status st;

	(void)mod;
	(void)unused;
	Py_BEGIN_ALLOW_THREADS
	st = d1_device_count(&n);
	Py_END_ALLOW_THREADS
	if (st == D1_ERROR_NO_DEVICE)
		return PyLong_FromLong(0);
	if (st)
		return d1py_error(st, NULL);
	return PyLong_FromUnsignedLong(n);
}

static PyObject *m_status_name(PyObject *mod, PyObject *arg)
{
	long v = PyLong_AsLong(arg);

	(void)mod;
	if (v == -1 && PyErr_Occurred())
		return NULL;
	return PyUnicode_FromString(d1_status_name((d1_status)v));
}

static PyObject *m_status_string(PyObject *mod, PyObject *arg)
{
	long v = PyLong_AsLong(arg);

	(void)mod;
	if (v == -1 && PyErr_Occurred())
		return NULL;
	return PyUnicode_FromString(d1_status_string((d1_status)v));
}

static PyMethodDef module_methods[] = {
	{ "device_count", m_device_count, METH_NOARGS,
	  "device_count() -> int\n\nNumber of d1 devices (0 without the driver)." },
	{ "status_name", m_status_name, METH_O,
	  "status_name(status) -> str\n\nThe identifier of a d1_status code." },
	{ "status_string", m_status_string, METH_O,
	  "status_string(status) -> str\n\nA sentence describing a d1_status code." },
	{ NULL, NULL, 0, NULL },
};

static struct PyModuleDef module_def = {
	PyModuleDef_HEAD_INIT, "d1._d1",
	"The libd1 SDK of the d1 accelerator (use the package d1).", -1,
	module_methods, NULL, NULL, NULL, NULL,
};

static int add_errors(PyObject *m)
{
	char name[64];
	size_t i;

	d1py_Error = PyErr_NewExceptionWithDoc(
		"d1.Error",
		"A libd1 call failed: .status, .status_name, .message; .info "
		"(d1.ErrorInfo) for failed device work, .log for builds.",
		NULL, NULL);
	if (!d1py_Error || PyModule_AddObjectRef(m, "Error", d1py_Error))
		return -1;
	for (i = 0; i < NERR; i++) {
		PyObject *bases;

		bases = errtab[i].builtin ?
			PyTuple_Pack(2, d1py_Error, *errtab[i].builtin) :
			PyTuple_Pack(1, d1py_Error);
		if (!bases)
			return -1;
		snprintf(name, sizeof(name), "d1.%s", errtab[i].name);
		errcls[i] = PyErr_NewExceptionWithDoc(
			name, d1_status_string(errtab[i].status), bases, NULL);
		Py_DECREF(bases);
		if (!errcls[i] ||
		    PyModule_AddObjectRef(m, errtab[i].name, errcls[i]))
			return -1;
	}
	return 0;
}

static int add_type(PyObject *m, PyTypeObject *t, const char *name)
{
	if (PyType_Ready(t))
		return -1;
	return PyModule_AddObjectRef(m, name, (PyObject *)t);
}

extern PyStructSequence_Desc d1py_device_info_desc, d1py_arg_info_desc;
PyTypeObject *D1DeviceInfo_Type, *D1ArgInfo_Type;

PyMODINIT_FUNC PyInit__d1(void)
{
	PyObject *m = PyModule_Create(&module_def);

	if (!m)
		return NULL;
	D1DeviceInfo_Type = PyStructSequence_NewType(&d1py_device_info_desc);
	D1ArgInfo_Type = PyStructSequence_NewType(&d1py_arg_info_desc);
	D1ErrorInfo_Type = PyStructSequence_NewType(&error_info_desc);
	if (!D1DeviceInfo_Type || !D1ArgInfo_Type || !D1ErrorInfo_Type ||
	    PyModule_AddObjectRef(m, "DeviceInfo", (PyObject *)D1DeviceInfo_Type) ||
	    PyModule_AddObjectRef(m, "ArgInfo", (PyObject *)D1ArgInfo_Type) ||
	    PyModule_AddObjectRef(m, "ErrorInfo", (PyObject *)D1ErrorInfo_Type) ||
	    add_errors(m) ||
	    add_type(m, &D1Device_Type, "Device") ||
	    add_type(m, &D1Buffer_Type, "Buffer") ||
	    add_type(m, &D1Program_Type, "Program") ||
	    add_type(m, &D1Kernel_Type, "Kernel") ||
	    add_type(m, &D1Stream_Type, "Stream") ||
	    add_type(m, &D1Event_Type, "Event") ||
	    add_type(m, &D1Launch_Type, "Launch") ||
	    PyModule_AddIntConstant(m, "MEM_HOST", D1_MEM_HOST) ||
	    PyModule_AddIntConstant(m, "MEM_HBM", D1_MEM_HBM) ||
	    PyModule_AddObject(m, "sdk_version",
			       Py_BuildValue("(iii)", D1_SDK_VERSION_MAJOR,
					     D1_SDK_VERSION_MINOR,
					     D1_SDK_VERSION_PATCH))) {
		Py_DECREF(m);
		return NULL;
	}
	return m;
}
