from pix_core.evaluation.domain.framework import PIX_FRAMEWORK
from pix_core.evaluation.domain.profile import Profile
from pix_core.evaluation.domain.scoring import competence_level, max_pix_score


def test_framework_has_16_competences_in_5_areas_with_official_names():
    assert [a.name for a in PIX_FRAMEWORK.areas] == [
        "Information et données",
        "Communication et collaboration",
        "Création de contenu",
        "Protection et sécurité",
        "Environnement numérique",
    ]
    assert len(PIX_FRAMEWORK.competences) == 16
    assert PIX_FRAMEWORK.competence("1.1").title == (
        "1.1 Mener une recherche et une veille d'information"
    )
    assert PIX_FRAMEWORK.competence("2.4").name == "S'insérer dans le monde numérique"
    assert PIX_FRAMEWORK.competence("5.2").area_code == "5"


def test_competence_codes_follow_their_area():
    for area in PIX_FRAMEWORK.areas:
        assert all(c.code.startswith(area.code + ".") for c in area.competences)


def test_level_is_floor_of_pix_over_8_capped_at_open_level():
    assert competence_level(0) == 0
    assert competence_level(15) == 1
    assert competence_level(64) == 5
    assert competence_level(64, max_open_level=8) == 8


def test_max_score_is_1024_for_16_competences():
    assert max_pix_score(16) == 1024


def test_new_profile_scores_every_competence_at_level_0():
    profile = Profile.build("Flora", "Dupont", PIX_FRAMEWORK)
    levels = [s.level for area in profile.areas for s in area.competences]
    assert levels == [0] * 16
    assert (profile.pix_score, profile.max_pix, profile.competence_count) == (0, 1024, 16)


def test_profile_sums_earned_pix():
    profile = Profile.build("A", "B", PIX_FRAMEWORK, {"1.1": 12, "3.4": 40})
    assert profile.pix_score == 52
    first = profile.areas[0].competences[0]
    assert (first.competence.code, first.level) == ("1.1", 1)
