from proxy.saml.gar_profile import parse_division, parse_group, structure_attributes


def test_division_is_split_into_code_and_label():
    assert parse_division("3A##3EME A") == {"code": "3A", "label": "3EME A"}


def test_division_without_label_keeps_the_code():
    assert parse_division("3A") == {"code": "3A", "label": ""}


def test_group_carries_its_division():
    assert parse_group("6A-MATHS##Groupe Maths##6A") == {
        "code": "6A-MATHS", "label": "Groupe Maths", "division": "6A"}


def test_structured_attributes_stay_multi_valued_and_drop_blanks():
    attributes = {"classes": ["3A##3EME A", "3B##3EME B", " "], "uai": ["0561641E"]}

    result = structure_attributes(attributes)

    assert result["classes"] == [{"code": "3A", "label": "3EME A"},
                                 {"code": "3B", "label": "3EME B"}]
    assert result["uai"] == ["0561641E"]
