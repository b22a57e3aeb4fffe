/* The loops every extraction runs over all of an article, compiled: the word split of
 * normalize.words, the sentence splits of layout and _grammar.text, the word-to-sentence
 * map of layout, and the phrase scan of matcher.find_hits. Each does what its Python
 * definition does (normalize.reference_words, layout.reference_split_sentences,
 * _grammar.text.reference_sentence_bounds, layout.reference_sentence_index_of_words,
 * matcher.reference_find_hits), on the same Python data, and the tests hold them to it.
 * In Python they were a fifth of the extractor's time on a long article, spent mostly on
 * interpreter overhead per character and per word.
 *
 * Words: a word is what normalize.WORD_RE matches: a word character (str.isalnum() or "_",
 * the regex engine's \w), then word characters and combining marks (U+0300-U+036F), and an
 * apostrophe from the given set joins it to a following word character ("o'zbek"). The
 * regex split makes a string for every piece between words as well and leaves the offsets
 * to be summed in Python; this loop makes only the words, their offsets and their keys.
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

/* A new reference to what ``cache`` (a dict, or a dict subclass whose __missing__ works
 * the value out) holds for ``key``. */
static PyObject *
cached(PyObject *cache, PyObject *key)
{
    /* ``key`` may be borrowed from a list that the look-up's Python code (an __eq__, a
     * __missing__) empties: held here until the look-up is done. */
    Py_INCREF(key);
    PyObject *value = PyDict_GetItemWithError(cache, key);
    if (value != NULL)
        Py_INCREF(value);
    else if (!PyErr_Occurred())
        value = PyObject_GetItem(cache, key);
    Py_DECREF(key);
    return value;
}

/* str.isupper() of text[start:end]. */
static int
is_upper(PyObject *text, Py_ssize_t start, Py_ssize_t end)
{
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    if (end - start == 1)
        return Py_UNICODE_ISUPPER(PyUnicode_READ(kind, data, start)) != 0;
    int cased = 0;
    for (Py_ssize_t i = start; i < end; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (Py_UNICODE_ISLOWER(ch) || Py_UNICODE_ISTITLE(ch))
            return 0;
        if (!cased && Py_UNICODE_ISUPPER(ch))
            cased = 1;
    }
    return cased;
}

/* What find_hits reads, gathered once. */
typedef struct {
    PyObject *keys;        /* list of str */
    PyObject *starts;      /* list of int */
    PyObject *ends;        /* list of int */
    PyObject *sentence_of; /* tuple of int */
    PyObject *text;
    PyObject *following;   /* key -> frozenset of spec ids */
    PyTypeObject *hit_type;
    Py_ssize_t count;
} Scan;

/* 1, 0, or -1 on error. */
static int
truthy(PyObject *flag)
{
    if (flag == Py_True)
        return 1;
    if (flag == Py_False)
        return 0;
    return PyObject_IsTrue(flag);
}

/* sentence_of[a] == sentence_of[b]: 1, 0, or -1 on error. */
static int
same_sentence(Scan *scan, Py_ssize_t a, Py_ssize_t b)
{
    return PyObject_RichCompareBool(PyTuple_GET_ITEM(scan->sentence_of, a),
                                    PyTuple_GET_ITEM(scan->sentence_of, b), Py_EQ);
}

/* Item ``index`` of one of the word lists (borrowed), or NULL with an error where the list
 * is no longer that long: Python code the scan runs (__missing__ of the caches, a flag's
 * __bool__, an __eq__) could have emptied it. */
static PyObject *
word_item(PyObject *list, Py_ssize_t index)
{
    if (index < PyList_GET_SIZE(list))
        return PyList_GET_ITEM(list, index);
    PyErr_SetString(PyExc_RuntimeError, "the words changed size during the scan");
    return NULL;
}

/* word_item as an offset; -1 with an error set where there is none. */
static Py_ssize_t
word_offset(PyObject *list, Py_ssize_t index)
{
    PyObject *item = word_item(list, index);
    return item == NULL ? -1 : PyLong_AsSsize_t(item);
}

/* ``object`` if it is a tuple of at least ``size`` items, else NULL with a TypeError: what
 * the scan is given to read is checked before it is read. */
static PyObject *
tuple_of(PyObject *object, Py_ssize_t size, const char *what)
{
    if (!PyTuple_Check(object) || PyTuple_GET_SIZE(object) < size) {
        PyErr_Format(PyExc_TypeError, "%s must be a tuple of at least %zd items", what, size);
        return NULL;
    }
    return object;
}

/* Whether text[start:end] is in capitals: 1, 0, or -1 (IndexError) for offsets outside
 * the text, which words of another text would give. */
static int
upper_within(Scan *scan, Py_ssize_t start, Py_ssize_t end)
{
    if (start < 0 || end <= start || end > PyUnicode_GET_LENGTH(scan->text)) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_IndexError, "word offsets outside the text");
        return -1;
    }
    return is_upper(scan->text, start, end);
}

static int
word_is_upper(Scan *scan, Py_ssize_t index)
{
    Py_ssize_t start = word_offset(scan->starts, index);
    if (start == -1 && PyErr_Occurred())
        return -1;
    Py_ssize_t end = word_offset(scan->ends, index);
    if (end == -1 && PyErr_Occurred())
        return -1;
    return upper_within(scan, start, end);
}

/* The frozenset of following-word specs the key of word ``index`` matches (new reference). */
static PyObject *
following_specs(Scan *scan, Py_ssize_t index)
{
    PyObject *key = word_item(scan->keys, index);
    return key == NULL ? NULL : cached(scan->following, key);
}

/* matcher._end: the end word of a phrase whose first word is ``start``, 0 if it does not
 * match there, -1 on error. */
static Py_ssize_t
phrase_end(Scan *scan, PyObject *rest, Py_ssize_t start)
{
    Py_ssize_t position = start + 1;
    for (Py_ssize_t r = 0; r < PyTuple_GET_SIZE(rest); r++, position++) {
        PyObject *spec_upper = tuple_of(PyTuple_GET_ITEM(rest, r), 2, "a following word");
        if (spec_upper == NULL)
            return -1;
        if (position >= scan->count)
            return 0;
        int same = same_sentence(scan, position, start);
        if (same <= 0)
            return same;
        PyObject *specs = following_specs(scan, position);
        if (specs == NULL)
            return -1;
        int fits = PySequence_Contains(specs, PyTuple_GET_ITEM(spec_upper, 0));
        Py_DECREF(specs);
        if (fits < 0)
            return -1;
        if (!fits)
            return 0;
        int upper = truthy(PyTuple_GET_ITEM(spec_upper, 1));
        if (upper > 0)
            upper = word_is_upper(scan, position);
        else if (upper == 0)
            upper = 1; /* no capitals asked for */
        if (upper <= 0)
            return upper;
    }
    return position;
}

/* Appends Hit(label, start, end, number, kind, value). */
static int
append_hit(Scan *scan, PyObject *hits, PyObject *label, Py_ssize_t start, Py_ssize_t end,
           PyObject *number, PyObject *kind, PyObject *value)
{
    PyObject *hit = scan->hit_type->tp_alloc(scan->hit_type, 6);
    if (hit == NULL)
        return -1;
    PyObject *first = PyLong_FromSsize_t(start), *last = PyLong_FromSsize_t(end);
    if (first == NULL || last == NULL) {
        Py_XDECREF(first);
        Py_XDECREF(last);
        Py_DECREF(hit);
        return -1;
    }
    Py_INCREF(label);
    Py_INCREF(number);
    Py_INCREF(kind);
    Py_INCREF(value);
    PyTuple_SET_ITEM(hit, 0, label);
    PyTuple_SET_ITEM(hit, 1, first);
    PyTuple_SET_ITEM(hit, 2, last);
    PyTuple_SET_ITEM(hit, 3, number);
    PyTuple_SET_ITEM(hit, 4, kind);
    PyTuple_SET_ITEM(hit, 5, value);
    int failed = PyList_Append(hits, hit);
    Py_DECREF(hit);
    return failed;
}

static PyObject *isdisjoint_name; /* "isdisjoint", interned at import */

/* Whether the phrases of several words starting at word ``i`` can go on: some second word
 * of theirs fits word i + 1 of the same sentence. 1, 0, or -1 on error. */
static int
second_word_fits(Scan *scan, PyObject *second_words, Py_ssize_t i)
{
    if (!PyAnySet_Check(second_words)) {
        PyErr_SetString(PyExc_TypeError, "second words must be a set");
        return -1;
    }
    if (PySet_GET_SIZE(second_words) == 0 || i + 1 >= scan->count)
        return 0;
    int same = same_sentence(scan, i + 1, i);
    if (same <= 0)
        return same;
    PyObject *specs = following_specs(scan, i + 1);
    if (specs == NULL)
        return -1;
    /* not PyObject_CallMethod(..., "O", specs), which would spread a tuple of specs into
     * the arguments (and make the name a str at every call) */
    PyObject *disjoint = PyObject_CallMethodOneArg(second_words, isdisjoint_name, specs);
    Py_DECREF(specs);
    if (disjoint == NULL)
        return -1;
    int fits = PyObject_Not(disjoint);
    Py_DECREF(disjoint);
    return fits;
}

/* The hits of the phrases (_Start tuples) in ``candidates`` at word ``i``. */
static int
candidate_hits(Scan *scan, PyObject *hits, PyObject *candidates, Py_ssize_t i)
{
    if (tuple_of(candidates, 0, "the phrases") == NULL)
        return -1;
    for (Py_ssize_t c = 0; c < PyTuple_GET_SIZE(candidates); c++) {
        /* (number, label, kind, value, needs_capital, upper, rest) */
        PyObject *phrase = tuple_of(PyTuple_GET_ITEM(candidates, c), 7, "a phrase");
        if (phrase == NULL)
            return -1;
        int upper = 1, asked = truthy(PyTuple_GET_ITEM(phrase, 4));
        if (asked < 0)
            return -1;
        if (asked) {
            Py_ssize_t at = word_offset(scan->starts, i);
            if (at == -1 && PyErr_Occurred())
                return -1;
            /* at + 1 would overflow for PY_SSIZE_T_MAX */
            upper = upper_within(scan, at, at < PY_SSIZE_T_MAX ? at + 1 : at);
        }
        if (upper > 0) {
            if ((asked = truthy(PyTuple_GET_ITEM(phrase, 5))) < 0)
                return -1;
            if (asked)
                upper = word_is_upper(scan, i);
        }
        if (upper < 0)
            return -1;
        if (!upper)
            continue;
        PyObject *rest = tuple_of(PyTuple_GET_ITEM(phrase, 6), 0, "the following words");
        if (rest == NULL)
            return -1;
        Py_ssize_t end = PyTuple_GET_SIZE(rest) ? phrase_end(scan, rest, i) : i + 1;
        if (end < 0)
            return -1;
        if (end && append_hit(scan, hits, PyTuple_GET_ITEM(phrase, 1), i, end,
                              PyTuple_GET_ITEM(phrase, 0), PyTuple_GET_ITEM(phrase, 2),
                              PyTuple_GET_ITEM(phrase, 3)))
            return -1;
    }
    return 0;
}

/* The hits at word ``i`` from what its key starts (a matcher._Starts tuple). */
static int
hits_at(Scan *scan, PyObject *hits, PyObject *starting, Py_ssize_t i)
{
    /* (phrases, one_word, second_words, one_word_hits) */
    if (tuple_of(starting, 4, "what a key starts") == NULL)
        return -1;
    PyObject *one_word_hits = PyTuple_GET_ITEM(starting, 3);
    int fits = second_word_fits(scan, PyTuple_GET_ITEM(starting, 2), i);
    if (fits < 0)
        return -1;
    if (fits)
        return candidate_hits(scan, hits, PyTuple_GET_ITEM(starting, 0), i);
    if (one_word_hits == Py_None)
        return candidate_hits(scan, hits, PyTuple_GET_ITEM(starting, 1), i);
    if (tuple_of(one_word_hits, 0, "the one-word hits") == NULL)
        return -1;
    for (Py_ssize_t h = 0; h < PyTuple_GET_SIZE(one_word_hits); h++) {
        /* (label, number, kind, value) */
        PyObject *known = tuple_of(PyTuple_GET_ITEM(one_word_hits, h), 4, "a one-word hit");
        if (known == NULL || append_hit(scan, hits, PyTuple_GET_ITEM(known, 0), i, i + 1,
                       PyTuple_GET_ITEM(known, 1), PyTuple_GET_ITEM(known, 2),
                       PyTuple_GET_ITEM(known, 3)))
            return -1;
    }
    return 0;
}

static PyObject *
scan_phrases(PyObject *module, PyObject *args)
{
    Scan scan;
    PyObject *starting_of;
    if (!PyArg_ParseTuple(args, "O!O!O!O!UO!O!O!:scan_phrases", &PyList_Type, &scan.keys,
                          &PyList_Type, &scan.starts, &PyList_Type, &scan.ends, &PyTuple_Type,
                          &scan.sentence_of, &scan.text, &PyDict_Type, &starting_of,
                          &PyDict_Type, &scan.following, &PyType_Type, &scan.hit_type))
        return NULL;
    scan.count = PyList_GET_SIZE(scan.keys);
    if (PyList_GET_SIZE(scan.starts) != scan.count || PyList_GET_SIZE(scan.ends) != scan.count
        || PyTuple_GET_SIZE(scan.sentence_of) != scan.count) {
        PyErr_SetString(PyExc_ValueError, "words and their sentences differ in number");
        return NULL;
    }
    if (!PyType_IsSubtype(scan.hit_type, &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "a hit must be a tuple type");
        return NULL;
    }
    PyObject *hits = PyList_New(0);
    if (hits == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < scan.count; i++) {
        PyObject *key = word_item(scan.keys, i);
        PyObject *starting = key == NULL ? NULL : cached(starting_of, key);
        if (starting == NULL)
            goto fail;
        if (!PyTuple_Check(starting)) {
            PyErr_SetString(PyExc_TypeError, "what a key starts must be a tuple");
            Py_DECREF(starting);
            goto fail;
        }
        int failed = PyTuple_GET_SIZE(starting) ? hits_at(&scan, hits, starting, i) : 0;
        Py_DECREF(starting);
        if (failed)
            goto fail;
    }
    return hits;

fail:
    Py_DECREF(hits);
    return NULL;
}

/* Sentences: layout._BREAK and layout.reference_split_sentences, read character by
 * character. */

static int
ends_sentence(Py_UCS4 ch)
{
    return ch == '.' || ch == '!' || ch == '?' || ch == 0x2026;
}

static int
closes_quote(Py_UCS4 ch)
{
    return ch == '"' || ch == '\'' || ch == 0xBB || ch == 0x201D || ch == ')' || ch == ']';
}

/* What may open the next sentence: an opening quote or bracket, a dash, a word character. */
static int
opens_sentence(Py_UCS4 ch)
{
    return ch == 0xAB || ch == '"' || ch == 0x201C || ch == 0x201E || ch == '\'' || ch == '('
           || ch == '-' || ch == 0x2013 || ch == 0x2014 || is_word_char(ch);
}

/* The end of a break that opens at ``at`` (a sentence mark followed by closing quotes,
 * spaces on the same line and the opening of a next sentence), or -1 where none does. */
static Py_ssize_t
mark_break_end(int kind, const void *data, Py_ssize_t length, Py_ssize_t at)
{
    Py_ssize_t i = at + 1;
    while (i < length && ends_sentence(PyUnicode_READ(kind, data, i)))
        i++;
    while (i < length && closes_quote(PyUnicode_READ(kind, data, i)))
        i++;
    Py_ssize_t end = i;
    while (i < length) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (ch == '\n' || !Py_UNICODE_ISSPACE(ch))
            break;
        i++;
    }
    if (i == end || i >= length || !opens_sentence(PyUnicode_READ(kind, data, i)))
        return -1;
    return end;
}

/* How many letters stand just before ``at``, counted up to one more than ``longest``
 * (_grammar.text.short_word_before: a longer word is not read back to its start). */
static Py_ssize_t
letters_before(int kind, const void *data, Py_ssize_t at, Py_ssize_t longest)
{
    Py_ssize_t run = 0;
    while (run <= longest && at - run > 0
           && Py_UNICODE_ISALPHA(PyUnicode_READ(kind, data, at - run - 1)))
        run++;
    return run;
}

/* Whether the period at ``at`` closes an abbreviation: one letter, or a word of
 * ``abbreviations`` (at most ``longest`` letters) just before it. 1, 0, -1 on error. */
static int
is_abbreviation(PyObject *text, int kind, const void *data, Py_ssize_t at,
                PyObject *abbreviations, Py_ssize_t longest)
{
    Py_ssize_t run = letters_before(kind, data, at, longest);
    if (run > longest)
        return 0;
    if (run == 1)
        return 1;
    if (run == 0)
        return 0;
    PyObject *word = PyUnicode_Substring(text, at - run, at);
    if (word == NULL)
        return -1;
    int known = PySet_Contains(abbreviations, word);
    Py_DECREF(word);
    return known;
}

/* Appends text[start:end] without the space around it, if any is left: as (start, end,
 * line), or as (start, end) where ``line`` is -1 (layout._append, the pieces of
 * _grammar.text.reference_sentence_bounds). */
static int
append_trimmed(PyObject *out, int kind, const void *data, Py_ssize_t start, Py_ssize_t end,
               Py_ssize_t line)
{
    while (start < end && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, start)))
        start++;
    while (end > start && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, end - 1)))
        end--;
    if (end <= start)
        return 0;
    PyObject *sentence = line < 0 ? Py_BuildValue("(nn)", start, end)
                                  : Py_BuildValue("(nnn)", start, end, line);
    if (sentence == NULL)
        return -1;
    int failed = PyList_Append(out, sentence);
    Py_DECREF(sentence);
    return failed;
}

static PyObject *
split_sentences(PyObject *module, PyObject *args)
{
    PyObject *text, *abbreviations;
    Py_ssize_t longest;
    if (!PyArg_ParseTuple(args, "UO!n:split_sentences", &text, &PyFrozenSet_Type,
                          &abbreviations, &longest))
        return NULL;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    Py_ssize_t start = 0, line = 0, at = 0;
    while (at < length) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, at);
        if (ch == '\n') {
            Py_ssize_t end = at + 1;
            while (end < length && PyUnicode_READ(kind, data, end) == '\n')
                end++;
            if (append_trimmed(out, kind, data, start, at, line))
                goto fail;
            if (at)
                line++; /* a break opening the text adds no line */
            start = at = end;
            continue;
        }
        if (!ends_sentence(ch)) {
            at++;
            continue;
        }
        Py_ssize_t end = mark_break_end(kind, data, length, at);
        if (end < 0) {
            at++;
            continue;
        }
        int abbreviation = ch == '.' ? is_abbreviation(text, kind, data, at, abbreviations,
                                                       longest)
                                     : 0;
        if (abbreviation < 0)
            goto fail;
        if (!abbreviation) {
            if (append_trimmed(out, kind, data, start, end, line))
                goto fail;
            start = end;
        }
        at = end;
    }
    if (append_trimmed(out, kind, data, start, length, line))
        goto fail;
    return out;

fail:
    Py_DECREF(out);
    return NULL;
}

/* The start of sentence ``index`` of a list of (start, end, line) into ``*start``; 0, or
 * -1 on error (any offset, negative ones included, is a start, as in Python). */
static int
sentence_start(PyObject *sentences, Py_ssize_t index, Py_ssize_t *start)
{
    PyObject *sentence = PyList_GET_ITEM(sentences, index);
    if (!PyTuple_Check(sentence) || PyTuple_GET_SIZE(sentence) < 1) {
        PyErr_SetString(PyExc_TypeError, "a sentence must be a (start, end, line) tuple");
        return -1;
    }
    *start = PyLong_AsSsize_t(PyTuple_GET_ITEM(sentence, 0));
    return *start == -1 && PyErr_Occurred() ? -1 : 0;
}

/* layout.reference_sentence_index_of_words: the sentence of every word, words between
 * sentences going with the one before. No Python code runs here (PyLong_AsSsize_t takes
 * ints only), so the lists keep their sizes. */
static PyObject *
sentence_index_of_words(PyObject *module, PyObject *args)
{
    PyObject *starts, *sentences;
    if (!PyArg_ParseTuple(args, "O!O!:sentence_index_of_words", &PyList_Type, &starts,
                          &PyList_Type, &sentences))
        return NULL;
    Py_ssize_t count = PyList_GET_SIZE(starts), sentence_count = PyList_GET_SIZE(sentences);
    PyObject *out = PyTuple_New(count);
    if (out == NULL)
        return NULL;
    Py_ssize_t sentence = 0, next_start = 0;
    int has_next = sentence_count > 1;
    PyObject *index = PyLong_FromSsize_t(0);
    if (index == NULL)
        goto fail;
    if (has_next && sentence_start(sentences, 1, &next_start) < 0)
        goto fail;
    for (Py_ssize_t w = 0; w < count; w++) {
        Py_ssize_t start = PyLong_AsSsize_t(PyList_GET_ITEM(starts, w));
        if (start == -1 && PyErr_Occurred())
            goto fail;
        if (has_next && start >= next_start) {
            while (has_next && start >= next_start) {
                sentence++;
                has_next = sentence + 1 < sentence_count;
                if (has_next && sentence_start(sentences, sentence + 1, &next_start) < 0)
                    goto fail;
            }
            Py_DECREF(index);
            if ((index = PyLong_FromSsize_t(sentence)) == NULL)
                goto fail;
        }
        Py_INCREF(index);
        PyTuple_SET_ITEM(out, w, index);
    }
    Py_DECREF(index);
    return out;

fail:
    Py_XDECREF(index);
    Py_DECREF(out);
    return NULL;
}

/* _grammar.text.reference_sentence_bounds: the sentences of a text split by
 * _grammar.text._SENTENCE_END, as (start, end) without the space around them. Wider than
 * the layout's split: any space after the marks ends a sentence, an initial is a capital
 * letter, and the abbreviations are compared in lower case. */

/* The end of a sentence end that opens at ``at``, or -1 where none does. */
static Py_ssize_t
bound_end(int kind, const void *data, Py_ssize_t length, Py_ssize_t at)
{
    if (PyUnicode_READ(kind, data, at) == '\n')
        return at + 1;
    Py_ssize_t i = at + 1;
    while (i < length && ends_sentence(PyUnicode_READ(kind, data, i)))
        i++;
    while (i < length && closes_quote(PyUnicode_READ(kind, data, i)))
        i++;
    if (i >= length || !Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)))
        return -1;
    return i;
}

/* _grammar.text._is_abbreviation for the period at ``at``: 1, 0, or -1 on error. */
static int
is_listed_abbreviation(PyObject *text, int kind, const void *data, Py_ssize_t at,
                       PyObject *abbreviations, Py_ssize_t longest)
{
    Py_ssize_t run = letters_before(kind, data, at, longest);
    if (run == 0 || run > longest)
        return 0;
    if (run == 1 && is_upper(text, at - 1, at))
        return 1;
    PyObject *word = PyUnicode_Substring(text, at - run, at);
    if (word == NULL)
        return -1;
    PyObject *lower = PyObject_CallMethod(word, "lower", NULL);
    Py_DECREF(word);
    if (lower == NULL)
        return -1;
    int known = PySet_Contains(abbreviations, lower);
    Py_DECREF(lower);
    return known;
}

static PyObject *
sentence_bounds(PyObject *module, PyObject *args)
{
    PyObject *text, *abbreviations;
    Py_ssize_t longest;
    if (!PyArg_ParseTuple(args, "UO!n:sentence_bounds", &text, &PyFrozenSet_Type,
                          &abbreviations, &longest))
        return NULL;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    Py_ssize_t start = 0, at = 0;
    while (at < length) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, at);
        if (ch != '\n' && !ends_sentence(ch)) {
            at++;
            continue;
        }
        Py_ssize_t end = bound_end(kind, data, length, at);
        if (end < 0) {
            at++;
            continue;
        }
        int abbreviation = ch == '.' ? is_listed_abbreviation(text, kind, data, at,
                                                              abbreviations, longest)
                                     : 0;
        if (abbreviation < 0)
            goto fail;
        if (!abbreviation) {
            if (append_trimmed(out, kind, data, start, end, -1))
                goto fail;
            start = end;
        }
        at = end;
    }
    if (append_trimmed(out, kind, data, start, length, -1))
        goto fail;
    PyObject *bounds = PyList_AsTuple(out);
    Py_DECREF(out);
    return bounds;

fail:
    Py_DECREF(out);
    return NULL;
}

static PyMethodDef methods[] = {
    {"split_words", split_words, METH_VARARGS,
     "split_words(text, apostrophes, keys) -> (starts, ends, keys of the words)"},
    {"split_sentences", split_sentences, METH_VARARGS,
     "split_sentences(text, abbreviations, longest) -> [(start, end, line)]"},
    {"sentence_index_of_words", sentence_index_of_words, METH_VARARGS,
     "sentence_index_of_words(word_starts, sentences) -> sentence of every word"},
    {"sentence_bounds", sentence_bounds, METH_VARARGS,
     "sentence_bounds(text, abbreviations, longest) -> ((start, end), ...)"},
    {"scan_phrases", scan_phrases, METH_VARARGS,
     "scan_phrases(keys, starts, ends, sentence_of, text, starting, following, hit_type)"
     " -> hits"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_speedups", "The extractor's loops over a whole article, compiled.", -1,
    methods,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    fill_basic_plane_words();
    if (isdisjoint_name == NULL
        && (isdisjoint_name = PyUnicode_InternFromString("isdisjoint")) == NULL)
        return NULL;
    return PyModule_Create(&module);
}
