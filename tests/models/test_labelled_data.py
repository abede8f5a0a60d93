"""The shipped reviews and the boundary for uploaded CSVs: every bad file gets a message that says what to fix."""

import csv
import io

import pytest

from models import make_reviews
from models.labelled_data import UPLOAD_LIMITS, load_labelled_csv, shipped_reviews


def csv_bytes(rows, header=("text", "label")) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def good_rows(n=40, labels=("pos", "neg")):
    return [(f"example number {i}, which is {labels[i % len(labels)]}", labels[i % len(labels)]) for i in range(n)]


# ---- shipped data --------------------------------------------------------------------

def test_shipped_reviews_are_balanced_unique_and_split():
    data = shipped_reviews()
    assert data.classes == ("negative", "positive")
    assert data.counts() == {"train": {"negative": 240, "positive": 240}, "test": {"negative": 80, "positive": 80}}
    texts = [t.lower() for t in data.train_texts + data.test_texts]
    assert len(set(texts)) == len(texts) == 640


def test_shipped_file_is_what_the_script_writes():
    on_disk = list(csv.DictReader(make_reviews.REVIEWS_PATH.open(encoding="utf-8")))
    assert on_disk == make_reviews.make_reviews()


def test_reviews_have_negation_and_mixed_sentences():
    texts = [row["text"] for row in make_reviews.make_reviews()]
    assert sum(" but " in t for t in texts) > 40
    assert sum(any(n in t for n in (" not ", "n't ", " hardly ", " far from ")) for t in texts) > 60
    domains = {domain: sum(any(s in t.lower() for s in subjects) for t in texts)
               for domain, (subjects, _, _) in make_reviews.DOMAINS.items()}
    assert min(domains.values()) > 100, domains


# ---- good uploads --------------------------------------------------------------------

def test_good_csv_loads_with_a_seeded_stratified_split():
    data = load_labelled_csv(csv_bytes(good_rows(40)))
    assert data.classes == ("neg", "pos")
    assert data.counts() == {"train": {"neg": 15, "pos": 15}, "test": {"neg": 5, "pos": 5}}
    assert load_labelled_csv(csv_bytes(good_rows(40))) == data  # same file, same split


def test_column_names_are_matched_case_insensitively_and_split_column_is_used():
    rows = [(t, y, "test" if i < 6 else "train") for i, (t, y) in enumerate(good_rows(30))]
    data = load_labelled_csv(csv_bytes(rows, header=("Review", "Sentiment", "SPLIT")))
    assert len(data.test_texts) == 6 and len(data.train_texts) == 24


def test_empty_cells_are_skipped_and_counted_and_file_objects_work():
    rows = good_rows(30) + [("", "pos"), ("no label here", ""), ("   ", "neg")]
    data = load_labelled_csv(io.BytesIO(csv_bytes(rows)))
    assert data.skipped_rows == 3 and len(data.train_texts) + len(data.test_texts) == 30


def test_semicolons_and_a_byte_order_mark_are_fine():
    text = "\ufefftext;label\n" + "".join(f"good, fine {i};1\nbad, poor {i};0\n" for i in range(12))
    data = load_labelled_csv(text.encode("utf-8"))
    assert data.classes == ("0", "1") and "good, fine 0" in data.train_texts + data.test_texts


# ---- bad uploads ---------------------------------------------------------------------

def test_missing_label_column_names_what_was_found():
    with pytest.raises(ValueError, match=r"No label column.*'text', 'stars'.*'label' or 'labels'"):
        load_labelled_csv(csv_bytes(good_rows(), header=("text", "stars")))


def test_missing_text_column():
    with pytest.raises(ValueError, match="No text column"):
        load_labelled_csv(csv_bytes(good_rows(), header=("body", "label")))


def test_one_label_only():
    with pytest.raises(ValueError, match="only one label.*'pos'.*at least two"):
        load_labelled_csv(csv_bytes(good_rows(30, labels=("pos",))))


def test_too_many_labels():
    with pytest.raises(ValueError, match="30 different labels"):
        load_labelled_csv(csv_bytes([(f"text {i}", f"class {i}") for i in range(30)]))


def test_a_label_with_one_example():
    with pytest.raises(ValueError, match="single example: 'rare'"):
        load_labelled_csv(csv_bytes(good_rows(30) + [("odd one", "rare")]))


def test_too_few_rows():
    with pytest.raises(ValueError, match="Only 10 usable rows"):
        load_labelled_csv(csv_bytes(good_rows(10)))


def test_too_big_in_bytes_and_in_rows():
    with pytest.raises(ValueError, match="larger than 100 bytes"):
        load_labelled_csv(csv_bytes(good_rows(40)), max_bytes=100)
    with pytest.raises(ValueError, match=r"larger than 2\.0 MB"):
        load_labelled_csv(io.BytesIO(b"text,label\n" + b"x" * (UPLOAD_LIMITS.max_bytes + 10)))
    with pytest.raises(ValueError, match="has 40 rows; the limit is 25"):
        load_labelled_csv(csv_bytes(good_rows(40)), max_rows=25)


def test_non_utf8_bytes():
    with pytest.raises(ValueError, match="not UTF-8.*CSV UTF-8"):
        load_labelled_csv(csv_bytes(good_rows()) + "café,pos\n".encode("latin-1"))


@pytest.mark.parametrize("content", [b"", b"   \n\n"])
def test_empty_file(content):
    with pytest.raises(ValueError, match="empty"):
        load_labelled_csv(content)


def test_binary_garbage():
    with pytest.raises(ValueError, match="binary"):
        load_labelled_csv(b"text,label\n\x00\x01\x02,1\n")


def test_bad_split_values():
    rows = [(t, y, "maybe") for t, y in good_rows(30)]
    with pytest.raises(ValueError, match="values other than train/test: 'maybe'"):
        load_labelled_csv(csv_bytes(rows, header=("text", "label", "split")))
    rows = [(t, y, "train") for t, y in good_rows(30)]
    with pytest.raises(ValueError, match="no test rows"):
        load_labelled_csv(csv_bytes(rows, header=("text", "label", "split")))
