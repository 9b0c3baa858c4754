"""Site suggestions: the lazy greedy against plain greedy and the exact optimum (HiGHS) on hand
cases, random instances and real sub-problems; the API's answers and errors."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from geo.planning import Selection, analyse
from geo.siting import build_problem
from geo.suggest import coverage_sets, exact_mclp, greedy_mclp, thin_candidates


def matrix(rows: list[list[int]], n: int) -> sparse.csr_array:
    data = [(i, j) for i, row in enumerate(rows) for j in row]
    r, c = zip(*data, strict=True)
    return sparse.csr_array((np.ones(len(data), dtype=bool), (r, c)), shape=(len(rows), n))


def test_greedy_takes_the_biggest_first_and_the_optimum_can_beat_it():
    # points 0-5 weigh 1; set A covers 0-3, B covers 0,1,4, C covers 2,3,5
    sets = matrix([[0, 1, 2, 3], [0, 1, 4], [2, 3, 5]], 6)
    weights = np.ones(6)
    greedy = greedy_mclp(sets, weights, 2)
    assert [c.candidate for c in greedy] == [0, 1] and [c.gain for c in greedy] == [4.0, 1.0]
    chosen, value = exact_mclp(sets, weights, 2)
    assert sorted(chosen) == [1, 2] and value == 6.0  # B and C cover everybody


def plain_greedy(sets: sparse.csr_array, weights: np.ndarray, k: int) -> list[int]:
    covered = np.zeros(sets.shape[1], dtype=bool)
    out = []
    for _ in range(k):
        gains = [weights[sets[[j]].indices[~covered[sets[[j]].indices]]].sum()
                 for j in range(sets.shape[0])]  # fmt: skip
        best = int(np.argmax(gains))
        if gains[best] <= 0:
            break
        out.append(best)
        covered[sets[[best]].indices] = True
    return out


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 4))
def test_lazy_greedy_equals_plain_greedy_and_brute_force_bounds_it(seed, k):
    rng = np.random.default_rng(seed)
    n_cand, n_pts = 9, 30
    sets = sparse.csr_array(rng.random((n_cand, n_pts)) < 0.2)
    weights = rng.integers(1, 20, n_pts).astype(float)
    lazy = greedy_mclp(sets, weights, k)
    assert [c.candidate for c in lazy] == plain_greedy(sets, weights, k)
    best = max(
        weights[np.flatnonzero(sets[list(combo)].sum(axis=0) > 0)].sum()
        for combo in itertools.combinations(range(n_cand), k)
    )  # brute force over every choice of k candidates
    _, exact = exact_mclp(sets, weights, k)
    greedy_value = sum(c.gain for c in lazy)
    assert exact == pytest.approx(best)
    assert (1 - 1 / np.e) * best - 1e-9 <= greedy_value <= best + 1e-9


def test_coverage_sets_against_distances():
    rng = np.random.default_rng(3)
    cand, pts = rng.uniform(0, 3000, (40, 2)), rng.uniform(0, 3000, (300, 2))
    pts[0] = cand[0]  # a candidate on a point reaches it at distance 0
    sets = coverage_sets(cand, pts, 800.0).toarray()
    brute = np.hypot(*(cand[:, None, :] - pts[None, :, :]).transpose(2, 0, 1)) <= 800.0
    assert (sets == brute).all()
    kept = thin_candidates(pts, np.arange(300.0), 1000.0)
    blocks = {tuple(b) for b in np.floor(pts / 1000).astype(int)}
    assert len(kept) == len(blocks)


# Real sub-problems: Gemeinden and Kreise of different sizes, meeting places at 1 km
REGIONS = [("gemeinde", a) for a in (
    "03159016", "03159009", "03241001", "03404000", "03101000", "03403000", "03103000",
    "03254021", "03355022", "03151009", "03454032", "03358021", "03257007", "03352011",
)] + [("kreis", k) for k in ("03159", "03102", "03401", "03402", "03405", "03461")]  # fmt: skip


@pytest.fixture(scope="module")
def meeting_places(app):
    data = app.extensions["nk_datasets"]
    return analyse(data, Selection.parse("treffpunkt", None, None))


@pytest.mark.parametrize(("level", "key"), REGIONS)
def test_greedy_reaches_95_percent_of_the_optimum_on_real_regions(meeting_places, level, key):
    data = meeting_places.data
    grouping = data.groupings[level]
    index = np.flatnonzero(grouping.keys == key)
    assert len(index) == 1, key
    problem = build_problem(meeting_places, grouping.codes == index[0])
    assert problem.sets.shape[0] > 0 and problem.weights.sum() > 0
    greedy = sum(c.gain for c in greedy_mclp(problem.sets, problem.weights, 3))
    _, exact = exact_mclp(problem.sets, problem.weights, 3)
    assert greedy <= exact + 1e-6 and greedy >= 0.95 * exact, (key, greedy, exact)


def test_suggest_api_answers_with_sites_and_refuses_bad_input(client):
    body = client.get("/api/suggest?category=treffpunkt&kreis=03159&k=3").json
    sites = body["sites"]
    assert len(sites) == 3 and body["parameters"]["region"] == "kreis:03159"
    gains = [s["newly_within_reach"] for s in sites]
    assert gains == sorted(gains, reverse=True) and all(g > 0 for g in gains)
    assert sites[-1]["cumulative"] == sum(gains) and 0 < sites[-1]["cumulative_share"] <= 1
    assert all(s["ags"].startswith("03159") and s["quartier"] and s["gemeinde"] for s in sites)
    assert all(s["u15"] <= s["newly_within_reach"] and s["nearest_facility"] for s in sites)
    for query, parameter in [("k=0", "k"), ("k=11", "k"), ("kreis=99999", "kreis"),
                             ("ags=03159016&kreis=03159", "ags"), ("candidates=x", "candidates"),
                             ("threshold_m=1e3", "threshold_m")]:  # fmt: skip
        resp = client.get(f"/api/suggest?category=treffpunkt&{query}")
        assert resp.status_code == 400 and resp.json["parameter"] == parameter, query


def test_a_scenario_equals_a_full_recomputation(meeting_places):
    """apply_change only measures the cells that can change: it must agree with measuring all."""
    from geo.coverage import cell_coverage
    from geo.whatif import Change, apply_change

    data, selection = meeting_places.data, meeting_places.selection
    facilities = selection.facilities(data.facilities)
    supply = np.column_stack([facilities.geometry.x, facilities.geometry.y])
    rng = np.random.default_rng(5)
    removed = np.zeros(len(supply), dtype=bool)
    removed[rng.choice(len(supply), 40, replace=False)] = True
    added = data.demand.xy[rng.choice(len(data.demand.xy), 15, replace=False)] + 37.0
    fast = apply_change(data.demand, meeting_places.coverage, supply,
                        Change(added_xy=added, removed=removed), selection.category)  # fmt: skip
    full = cell_coverage(data.demand, np.vstack([supply[~removed], added]),
                         selection.threshold_m, selection.category)  # fmt: skip
    assert np.array_equal(fast.covered, full.covered)
    finite = np.isfinite(full.distance_m)
    assert np.allclose(fast.distance_m[finite], full.distance_m[finite])
    assert np.allclose(fast.access_per_10k, full.access_per_10k)


def test_whatif_adding_the_best_suggestion_brings_its_residents_within_reach(client):
    site = client.get("/api/suggest?category=treffpunkt&kreis=03159&k=1").json["sites"][0]
    body = {"category": "treffpunkt", "add": [{"lat": site["lat"], "lon": site["lon"]}]}
    answer = client.post("/api/whatif", json=body).json
    assert answer["summary"]["newly_beyond"] == 0
    # the same site from both endpoints: the same residents (a rounded position moves <0.1 m)
    assert answer["summary"]["newly_within_reach"] == pytest.approx(site["newly_within_reach"],
                                                                    rel=0.005)  # fmt: skip
    row = next(g for g in answer["gemeinden"] if g["key"] == site["ags"])
    assert row["beyond_after"] == row["beyond_before"] - row["newly_within_reach"]


def test_whatif_removing_facilities_and_bad_scenarios(client):
    ids = [f["id"] for f in client.get("/api/facilities?ags=03159016&type=jugendzentrum").json[
        "features"]]  # fmt: skip
    answer = client.post("/api/whatif", json={"type": "jugendzentrum", "remove": ids}).json
    assert answer["summary"]["newly_beyond"] > 0 and answer["summary"]["newly_within_reach"] == 0
    goe = next(g for g in answer["gemeinden"] if g["key"] == "03159016")
    assert goe["beyond_after"] == goe["beyond_before"] + goe["newly_beyond"]
    for body, status, parameter in [
        ([1, 2], 400, "body"), ({"category": "treffpunkt", "foo": 1}, 400, "body"),
        ({"category": "treffpunkt", "add": [{"lat": True, "lon": 9.9}]}, 400, "add"),
        ({"category": "treffpunkt", "add": [{"lat": 60.0, "lon": 9.9}]}, 400, "add"),
        ({"category": "treffpunkt", "remove": ["f000000000000"]}, 400, "remove"),
        ({"category": "treffpunkt", "add": [{"lat": 52.0, "lon": 9.0}] * 51}, 400, "add"),
    ]:  # fmt: skip
        resp = client.post("/api/whatif", json=body)
        assert resp.status_code == status and resp.json["parameter"] == parameter, body
    assert client.post("/api/whatif", data="{}", content_type="text/plain").status_code == 415
    big = client.post("/api/whatif", data="[" * 70_000, content_type="application/json")
    assert big.status_code == 413
