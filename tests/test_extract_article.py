"""Reading articles: headers, encodings, refusals with a clear message, furniture, sentences."""

from __future__ import annotations

import datetime

import pytest

from chronicle.extract.article import ArticleError, read_article, split_sentences

BODY = (
    "Gunmen on motorbikes attacked a village in the Mopti region on Sunday, killing at least "
    "twelve people, local officials said. The attack was the latest in a series of raids "
    "that have forced thousands of people to flee their homes in central Mali.\n\n"
    "No group has claimed responsibility for the attack, but jihadists linked to al-Qaeda "
    "are active in the area.\n"
)


def write(tmp_path, text: str | bytes, name: str = "article.txt"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_header_line_gives_the_published_date(tmp_path):
    article = read_article(write(tmp_path, "date 2019-01-20 " + BODY))
    assert article.published == datetime.date(2019, 1, 20)
    assert article.sentences[0].text.startswith("Gunmen on motorbikes")


def test_front_matter_gives_title_publisher_url_and_date(tmp_path):
    text = ("---\ntitle: Twelve killed in central Mali\npublisher: Example Wire\n"
            "url: https://example.org/a\npublished: 2021-05-02\n---\n" + BODY)
    article = read_article(write(tmp_path, text))
    assert (article.title, article.publisher, article.url, article.published) == (
        "Twelve killed in central Mali", "Example Wire", "https://example.org/a",
        datetime.date(2021, 5, 2))


def test_sidecar_meta_file_and_published_option_wins(tmp_path):
    path = write(tmp_path, BODY)
    (tmp_path / "article.txt.meta.yaml").write_text("published: 2020-03-04\npublisher: X\n")
    assert read_article(path).published == datetime.date(2020, 3, 4)
    assert read_article(path, datetime.date(2020, 3, 9)).published == datetime.date(2020, 3, 9)


def test_a_byte_order_mark_is_fine(tmp_path):
    article = read_article(write(tmp_path, "\ufeff".encode() + BODY.encode()))
    assert article.sentences[0].text.startswith("Gunmen")
    assert article.notes == ()


def test_windows_1252_is_read_and_said(tmp_path):
    text = BODY.replace("Mopti region", "Ségou region").encode("cp1252")
    article = read_article(write(tmp_path, text))
    assert "Ségou" in article.paragraphs[0]
    assert "Windows-1252" in article.notes[0]


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty"),
    (b"   \n\n  ", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
    ("<!DOCTYPE html><html><head><title>x</title></head><body><p>Gunmen attacked</p>"
     "<div>more</div></body></html>", "HTML page"),
    ("Des hommes armés ont attaqué un village dans la région de Mopti dimanche, tuant au "
     "moins douze personnes, selon les autorités locales. Aucun groupe n'a revendiqué "
     "l'attaque, mais des jihadistes liés à al-Qaïda sont actifs dans la zone, et les "
     "habitants ont fui vers la ville.", "looks like French"),
])
def test_bad_articles_are_refused_with_a_reason(tmp_path, content, message):
    with pytest.raises(ArticleError, match=message):
        read_article(write(tmp_path, content))


def test_a_huge_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes(b"Gunmen attacked the village. " * 400_000)  # about 11 MB
    with pytest.raises(ArticleError, match="too big"):
        read_article(path)


def test_missing_paths_and_folders_are_refused(tmp_path):
    with pytest.raises(ArticleError, match="no such file"):
        read_article(tmp_path / "nope.txt")
    with pytest.raises(ArticleError, match="folder"):
        read_article(tmp_path)


def test_page_furniture_is_stripped(tmp_path):
    text = ("Story highlights\n\nTwelve killed in central Mali\n\nCNN  — \n\n" + BODY +
            "\nFollow our socials Whatsapp, Facebook, Instagram, Twitter, and Google News.\n"
            "Scroll to Top\n\nThis website uses cookies to improve your experience. Accept\n")
    article = read_article(write(tmp_path, text))
    assert article.title == "Twelve killed in central Mali"
    joined = " ".join(article.paragraphs)
    for furniture in ("Story highlights", "CNN", "Follow our socials", "Scroll to Top",
                      "cookies"):
        assert furniture not in joined


@pytest.mark.parametrize(("paragraph", "expected"), [
    ("The U.N. mission said Gen. Mamadou Traore was in St. Louis. He left on Monday.",
     ["The U.N. mission said Gen. Mamadou Traore was in St. Louis.", "He left on Monday."]),
    ('"We will not give up," Mr. Diallo said. Troops were sent to the area.',
     ['"We will not give up," Mr. Diallo said.', "Troops were sent to the area."]),
    ("Col. A. K. Sanogo led the unit. It was ambushed near Gao!",
     ["Col. A. K. Sanogo led the unit.", "It was ambushed near Gao!"]),
    ("The attack killed 12 people. 30 more were injured.",
     ["The attack killed 12 people.", "30 more were injured."]),
    ("Troops arrived from the U.S. The base was secured.",
     ["Troops arrived from the U.S.", "The base was secured."]),
])
def test_sentences_split_where_a_reader_would(paragraph, expected):
    assert [text for text, _, _ in split_sentences(paragraph)] == expected


def test_sentence_offsets_point_into_the_paragraph(tmp_path):
    article = read_article(write(tmp_path, BODY))
    for sentence in article.sentences:
        paragraph = article.paragraphs[sentence.paragraph]
        assert paragraph[sentence.start:sentence.end] == sentence.text
    assert article.sentences[-1].line == 3


def test_a_title_case_headline_reads_as_a_sentence(tmp_path):
    text = "Gunmen Kill 12 In Nigeria Village Attack\n\n" + BODY.replace("Mopti region", "Nigeria")
    article = read_article(write(tmp_path, text))
    assert article.title == "Gunmen Kill 12 In Nigeria Village Attack"
    assert article.sentences[0].text == "Gunmen kill 12 in Nigeria village attack"
