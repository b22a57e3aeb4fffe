/* The word split of normalize.words in one pass over the text.
 *
 * A word is what normalize.WORD_RE matches: a word character (str.isalnum() or "_", the
 * regex engine's \w), then word characters and combining marks (U+0300-U+036F), and an
 * apostrophe from the given set joins it to a following word character ("o'zbek").
 * The regex split makes a string for every piece between words as well and leaves the
 * offsets to be summed in Python; this loop makes only the words, their offsets and their
 * keys, which is most of what reading a long article costs before any rule runs.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* Word characters of the Basic Multilingual Plane, one bit each: asking the Unicode
 * database costs four look-ups for every space and punctuation mark. */
static unsigned char basic_plane_words[0x10000 / 8];

static void
fill_basic_plane_words(void)
{
    for (Py_UCS4 ch = 0; ch < 0x10000; ch++) {
        if (ch == '_' || Py_UNICODE_ISALNUM(ch))
            basic_plane_words[ch >> 3] |= (unsigned char)(1u << (ch & 7));
    }
}

static inline int
is_word_char(Py_UCS4 ch)
{
    if (ch < 0x10000)
        return (basic_plane_words[ch >> 3] >> (ch & 7)) & 1;
    return Py_UNICODE_ISALNUM(ch);
}

static int
is_mark(Py_UCS4 ch)
{
    return ch >= 0x0300 && ch <= 0x036F;
}

static int
is_apostrophe(Py_UCS4 ch, int kind, const void *marks, Py_ssize_t count)
{
    for (Py_ssize_t i = 0; i < count; i++) {
        if (PyUnicode_READ(kind, marks, i) == ch)
            return 1;
    }
    return 0;
}

/* End of the word that starts at ``at``. */
static Py_ssize_t
word_end(int kind, const void *data, Py_ssize_t length, Py_ssize_t at,
         int apostrophe_kind, const void *apostrophes, Py_ssize_t apostrophe_count)
{
    Py_ssize_t i = at + 1;
    for (;;) {
        while (i < length) {
            Py_UCS4 ch = PyUnicode_READ(kind, data, i);
            if (!is_word_char(ch) && !is_mark(ch))
                break;
            i++;
        }
        if (i + 1 < length
            && is_apostrophe(PyUnicode_READ(kind, data, i), apostrophe_kind, apostrophes,
                             apostrophe_count)
            && is_word_char(PyUnicode_READ(kind, data, i + 1))) {
            i += 2;
            continue;
        }
        return i;
    }
}

static int
append_offset(PyObject *list, Py_ssize_t offset)
{
    PyObject *number = PyLong_FromSsize_t(offset);
    if (number == NULL)
        return -1;
    int failed = PyList_Append(list, number);
    Py_DECREF(number);
    return failed;
}

/* The key of one word from ``keys`` (a dict, or a dict subclass whose __missing__ works the
 * key out): the plain look-up first, the subscript (which calls __missing__) for a new word. */
static int
append_key(PyObject *list, PyObject *keys, PyObject *word)
{
    PyObject *key = PyDict_GetItemWithError(keys, word);
    if (key != NULL)
        return PyList_Append(list, key);
    if (PyErr_Occurred())
        return -1;
    key = PyObject_GetItem(keys, word);
    if (key == NULL)
        return -1;
    int failed = PyList_Append(list, key);
    Py_DECREF(key);
    return failed;
}

static PyObject *
split_words(PyObject *module, PyObject *args)
{
    PyObject *text, *apostrophes, *keys;
    if (!PyArg_ParseTuple(args, "UUO!:split_words", &text, &apostrophes, &PyDict_Type, &keys))
        return NULL;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) == -1 || PyUnicode_READY(apostrophes) == -1)
        return NULL;
#endif
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    int apostrophe_kind = PyUnicode_KIND(apostrophes);
    const void *apostrophe_data = PyUnicode_DATA(apostrophes);
    Py_ssize_t apostrophe_count = PyUnicode_GET_LENGTH(apostrophes);

    PyObject *starts = PyList_New(0), *ends = PyList_New(0), *found = PyList_New(0);
    if (starts == NULL || ends == NULL || found == NULL)
        goto fail;
    Py_ssize_t i = 0;
    while (i < length) {
        if (!is_word_char(PyUnicode_READ(kind, data, i))) {
            i++;
            continue;
        }
        Py_ssize_t end = word_end(kind, data, length, i, apostrophe_kind, apostrophe_data,
                                  apostrophe_count);
        PyObject *word = PyUnicode_Substring(text, i, end);
        if (word == NULL)
            goto fail;
        int failed = append_key(found, keys, word);
        Py_DECREF(word);
        if (failed || append_offset(starts, i) || append_offset(ends, end))
            goto fail;
        i = end;
    }
    return Py_BuildValue("(NNN)", starts, ends, found);

fail:
    Py_XDECREF(starts);
    Py_XDECREF(ends);
    Py_XDECREF(found);
    return NULL;
}

static PyMethodDef methods[] = {
    {"split_words", split_words, METH_VARARGS,
     "split_words(text, apostrophes, keys) -> (starts, ends, keys of the words)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_wordsplit", "The word split of normalize.words, compiled.", -1,
    methods,
};

PyMODINIT_FUNC
PyInit__wordsplit(void)
{
    fill_basic_plane_words();
    return PyModule_Create(&module);
}
