"""`|auto_dir`: user text in its own direction, escaped, in every template."""

from django.template import engines


def render(source, **context):
    return engines["django"].from_string(source).render(context)


def test_it_wraps_user_text_in_an_element_of_automatic_direction():
    name = "مستشفى الأمل"
    assert render("{{ name|auto_dir }}", name=name) == f'<span dir="auto">{name}</span>'


def test_it_escapes_what_was_typed():
    assert render("{{ name|auto_dir }}", name="<b>Lac</b>") == (
        '<span dir="auto">&lt;b&gt;Lac&lt;/b&gt;</span>'
    )


def test_it_keeps_the_line_breaks_of_a_note():
    assert render("{{ note|linebreaksbr|auto_dir }}", note="one\ntwo") == (
        '<span dir="auto">one<br>two</span>'
    )


def test_an_empty_value_stays_empty_so_default_still_applies():
    assert render('{{ city|auto_dir|default:"—" }}', city="") == "—"
    assert render("{{ city|auto_dir }}", city=None) == ""
