"""Citation verification on hand-written answers: what passes, what is flagged."""

from __future__ import annotations

from assistant.verify import facts_in, split_claims, verify

PASSAGES = {
    1: "据市供热发展中心主任杨楠介绍，从11月16日零时起，全市已进入正式供热阶段，供热面积3.35亿平方米，居民用户304万户。",
    2: "崂山区自今年12月12日起至明年3月底，投入2300万元全面启动“惠民助企”消费季。",
}


def test_markers_after_the_full_stop_belong_to_the_sentence_before() -> None:
    claims = split_claims("全市供热面积3.35亿平方米。[1]崂山区投入2300万元。[2]")
    assert claims == [("全市供热面积3.35亿平方米。", (1,)), ("崂山区投入2300万元。", (2,))]


def test_correct_answer_with_citations_is_verified() -> None:
    check = verify("全市供热面积3.35亿平方米，居民用户304万户[1]。崂山区投入2300万元启动消费季[2]。", PASSAGES)
    assert check.verified, check.problems
    assert check.verified_numbers() == {1, 2}


def test_wrong_number_cited_to_a_passage_is_flagged() -> None:
    check = verify("全市供热面积3.5亿平方米[1]。", PASSAGES)
    assert not check.verified
    assert "3.5" in check.problems[0]
    assert check.verified_numbers() == set()


def test_number_from_another_passage_than_the_one_cited_is_flagged() -> None:
    check = verify("崂山区投入2300万元[1]。", PASSAGES)
    assert not check.verified
    assert "2300" in check.problems[0]


def test_citation_to_a_passage_not_given_is_flagged() -> None:
    check = verify("全市供热面积3.35亿平方米[7]。", PASSAGES)
    assert not check.verified
    assert "[7]" in check.problems[0]


def test_facts_without_any_citation_are_flagged() -> None:
    check = verify("全市供热面积3.35亿平方米。", PASSAGES)
    assert not check.verified
    assert "without a citation" in check.problems[0]


def test_invented_name_is_flagged_but_a_cited_one_passes() -> None:
    assert verify("杨楠介绍了供热情况[1]。", PASSAGES).verified
    invented = verify("王建国介绍了供热情况[1]。", PASSAGES)
    assert not invented.verified
    assert "王建国" in invented.problems[0]


def test_one_bad_sentence_spoils_only_its_own_citations() -> None:
    check = verify("全市供热面积3.35亿平方米[1]。崂山区投入9999万元[2]。", PASSAGES)
    assert not check.verified
    assert check.verified_numbers() == {1}
    assert [claim.verified for claim in check.claims] == [True, False]


def test_facts_are_numbers_and_names() -> None:
    facts = facts_in("杨楠说，全市供热面积1,000万平方米。")
    assert "1,000" in facts and "杨楠" in facts
    assert verify("供热面积1,000万平方米[1]。", {1: "供热面积1000万平方米"}).verified
