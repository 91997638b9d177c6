"""Tests for monitors.nlp.figures: the rarer printed forms (pence, casualty counts, proportions,
market copy, suspended hyphens, parts of a group, flattened tables) and the hedge vetoes."""

from __future__ import annotations

from monitors.nlp.figures import extract_figures


def test_pence_abbreviated() -> None:
    figs = extract_figures(
        "The day-ahead gas contract settled at 98.4 p/therm, diesel sold at "
        "151.9p a litre and the shares lost 7p. We meet at 6 p.m. on p 4; "
        "the film is in 1080p."
    )
    assert [(f.text, f.unit, round(f.value, 6)) for f in figs] == [
        ("98.4 p", "GBP", 0.984),
        ("151.9p", "GBP", 1.519),
        ("7p", "GBP", 0.07),
    ]


def test_casualty_counts_without_a_noun() -> None:
    text = (
        "Shelling of the depot, killing 23, was condemned. A drone strike killed 4 and "
        "wounded 19 on Sunday. At least 31 were injured. He was wounded 3 times in 2014."
    )
    assert [(f.text, f.value, f.qualifier) for f in extract_figures(text)] == [
        ("23", 23.0, None),
        ("4", 4.0, None),
        ("19", 19.0, None),
        ("At least 31", 31.0, "at_least"),
    ]


def test_proportion_base_is_not_a_count() -> None:
    figs = extract_figures(
        "Four in 10 residents oppose the base, and 2 out of 5 mayors agree; "
        "the army sent 900 in 14 convoys."
    )
    assert [(f.text, f.of) for f in figs] == [("2 out of 5 mayors", 5.0), ("14 convoys", None)]


def test_hyphenated_scale_after_currency_sign() -> None:
    figs = extract_figures(
        "Ottawa signed a C$7.3-billion frigate deal and a $90-million radar contract."
    )
    assert [(f.text, f.unit, f.value) for f in figs] == [
        ("C$7.3-billion", "CAD", 7.3e9),
        ("$90-million", "USD", 9e7),
    ]


def test_nordic_crowns_and_lei() -> None:
    figs = extract_figures(
        "Copenhagen adds 4 billion Danish crowns, Stockholm 6 billion Swedish "
        "crowns and Bucharest 2 billion lei."
    )
    assert [(f.unit, f.value) for f in figs] == [("DKK", 4e9), ("SEK", 6e9), ("RON", 2e9)]


def test_spelled_hundreds_and_loose_million_counts() -> None:
    text = (
        "Three hundred engineers and twelve hundred guards arrived with 1.5m shells; "
        "between 2m and 3m people may leave. The 400m relay, the 5m-long wall and a "
        "hundred years of history are not counts; four hundred pounds is money."
    )
    assert [(f.text, f.low, f.high, f.unit) for f in extract_figures(text)] == [
        ("Three hundred engineers", 300.0, 300.0, "count"),
        ("twelve hundred guards", 1200.0, 1200.0, "count"),
        ("1.5m shells", 1.5e6, 1.5e6, "count"),
        ("between 2m and 3m people", 2e6, 3e6, "count"),
        ("four hundred pounds", 400.0, 400.0, "GBP"),
    ]


def test_over_a_place_is_not_a_hedge() -> None:
    text = (
        "Air defences downed 41 drones over 8 regions, and crews intercepted missiles over "
        "5 oblasts. Shares slid over 6% and over 200 drones were launched."
    )
    assert [(f.text, f.qualifier) for f in extract_figures(text)] == [
        ("41 drones", None),
        ("8 regions", None),
        ("5 oblasts", None),
        ("over 6%", "more_than"),
        ("over 200 drones", "more_than"),
    ]


def test_british_pc_and_target_with_an_adjective() -> None:
    text = (
        "The minister said defence spending would reach 2.7pc of GDP, up from 2.4pc. "
        "NATO's new target of 5% includes 1.5% for resilience. He owns 3 PCs."
    )
    assert [(f.text, f.unit) for f in extract_figures(text)] == [
        ("2.7pc of GDP", "percent_gdp"),
        ("2.4pc", "percent_gdp"),
        ("5%", "percent_gdp"),
        ("1.5%", "percent_gdp"),
        ("3 PCs", "count"),
    ]


def test_upward_of_is_a_hedge_but_an_estimated_is_not() -> None:
    figs = extract_figures("Upward of 400 engineers came; an estimated 90 buses were used.")
    assert [(f.text, f.qualifier) for f in figs] == [
        ("Upward of 400 engineers", "more_than"),
        ("90 buses", None),
    ]


def test_wire_abbreviations_and_capitals_headline() -> None:
    figs = extract_figures(
        "FUND RAISES 2 BILLION EURO FOR REPAIRS\nIt took 1.2 bln dlrs, "
        "400 mln stg and JPY 3.1 trln."
    )
    assert [(f.text, f.unit, f.value) for f in figs] == [
        ("2 BILLION EURO", "EUR", 2e9),
        ("1.2 bln dlrs", "USD", 1.2e9),
        ("400 mln stg", "GBP", 4e8),
        ("JPY 3.1 trln", "JPY", 3.1e12),
    ]


def test_a_range_never_runs_downwards_nor_across_a_sign() -> None:
    text = (
        "Indices: IBEX 35 -0.7%, AEX +0.3%. The 61-39 vote passed. Gilts moved 12 -4 bps. "
        "Support lies at 2.5%-3.5% and 20-30 tanks."
    )
    assert [(f.text, f.low, f.high) for f in extract_figures(text)] == [
        ("-0.7%", -0.7, -0.7),
        ("+0.3%", 0.3, 0.3),
        ("-4 bps", -0.04, -0.04),
        ("2.5%-3.5%", 2.5, 3.5),
        ("20-30 tanks", 20.0, 30.0),
    ]


def test_more_measures_and_legal_labels_are_not_counts() -> None:
    text = (
        "The parcel weighed 12 kilos and the farm makes 60 gigawatts from 9 ounces of fuel. "
        "Title 8 clinics and Proclamation 1234 rules apply; 21 millions of fans watched. "
        "The navy will order 12 frigates."
    )
    assert [f.text for f in extract_figures(text)] == ["millions of fans", "12 frigates"]


def test_plus_suffix_is_more_than() -> None:
    text = (
        "Kyiv faced 3,000-plus glide bombs and 40+ nations met, but 25-plus billion dollars "
        "is an amount and a 10-plus year effort is a duration."
    )
    assert [(f.text, f.value, f.qualifier) for f in extract_figures(text)] == [
        ("3,000-plus glide bombs", 3000.0, "more_than"),
        ("40+ nations", 40.0, "more_than"),
    ]


def test_hundreds_of_billions_is_never_a_count_of_100() -> None:
    figs = extract_figures(
        "Critics said the state had spent hundreds of billions already, "
        "and we are not talking hundreds of billions here."
    )
    assert [(f.text, f.unit, f.value, f.approx) for f in figs] == [
        ("hundreds of billions", "USD", 1e11, True)
    ]


def test_currency_as_the_counted_noun_is_money() -> None:
    text = (
        "Families lost hundreds of dollars, the agency wasted 40 million taxpayer dollars "
        "and three hundred and forty million euros went to repairs. (Expressed in "
        "thousands of US dollars)"
    )
    assert [(f.text, f.unit, f.value, f.approx) for f in extract_figures(text)] == [
        ("hundreds of dollars", "USD", 100.0, True),
        ("40 million taxpayer dollars", "USD", 4e7, False),
        ("three hundred and forty million euros", "EUR", 3.4e8, False),
    ]


def test_about_before_a_vague_quantity_is_a_preposition() -> None:
    figs = extract_figures(
        "We are talking about tens of thousands of reservists, about 300 tanks and some 40 jets."
    )
    assert [(f.text, f.qualifier) for f in figs] == [
        ("tens of thousands of reservists", None),
        ("about 300 tanks", "about"),
        ("some 40 jets", "about"),
    ]


def test_year_column_header_before_percent_sign() -> None:
    figs = extract_figures("Revenue 2025 2024 % Change\nUnits 12% 9%")
    assert [f.text for f in figs] == ["12%", "9%"]


def test_market_and_data_units_and_spelled_years() -> None:
    text = (
        "The index held 21,400 levels, bond futures lost 9 ticks, the rand 40 pips, and the "
        "drive wrote 900 megabytes a second. Signed in the year two thousand twenty-four; "
        "two thousand volunteers came. Fuel was capped at 20 bucks; 40 gas and 12 oil "
        "rigs ran."
    )
    assert [(f.text, f.unit) for f in extract_figures(text)] == [
        ("two thousand volunteers", "count"),
        ("20 bucks", "USD"),
        ("12 oil rigs", "count"),
    ]


def test_and_a_half_after_the_scale_and_unit_abbreviations() -> None:
    text = (
        "Nearly a million and a half refugees crossed. Exports averaged 7.1 million b/d and "
        "the tankers carry 2.2 million DWT."
    )
    assert [(f.text, f.value) for f in extract_figures(text)] == [
        ("Nearly a million and a half refugees", 1.5e6)
    ]


def test_nearing_and_approaching_hedge_about() -> None:
    text = "Repairs are nearing $200 billion and the plant was approaching 40% capacity."
    assert [(f.text, f.qualifier, f.value) for f in extract_figures(text)] == [
        ("nearing $200 billion", "about", 2e11),
        ("approaching 40%", "about", 40.0),
    ]


def test_suspended_hyphen_range_takes_the_second_scale() -> None:
    text = (
        "The ministry wants some $3- to $4 billion a year, bids of between $60- and "
        "$80 million came in, and planners expect 15- to 30,000 volunteers. Courses for "
        "8- to 12-year-olds and 30- to 45-second clips are no figures."
    )
    assert [(f.text, f.low, f.high, f.unit, f.qualifier) for f in extract_figures(text)] == [
        ("some $3- to $4 billion", 3e9, 4e9, "USD", "about"),
        ("between $60- and $80 million", 6e7, 8e7, "USD", None),
        ("15- to 30,000 volunteers", 15000.0, 30000.0, "count", None),
    ]


def test_part_of_a_group_after_of_and_a_determiner() -> None:
    text = (
        "The army lost 14 of its armoured vehicles, the fund backs 9 of Poland's largest "
        "shipyards and nearly 400 of those recruits stayed; 60,000 of those were new, "
        "under section 12 of the act."
    )
    assert [(f.text, f.value, f.qualifier) for f in extract_figures(text)] == [
        ("14 of its armoured vehicles", 14.0, None),
        ("9 of Poland's largest shipyards", 9.0, None),
        ("nearly 400 of those recruits", 400.0, "about"),
    ]


def test_x_of_y_with_a_longer_name_before_the_whole() -> None:
    text = (
        "The motion passed after 41 of the Lower House's 60 deputies backed it, and 7 of "
        "the remaining 9 frigates sailed."
    )
    assert [(f.text, f.value, f.of) for f in extract_figures(text)] == [
        ("41 of the Lower House's 60 deputies", 41.0, 60.0),
        ("7 of the remaining 9 frigates", 7.0, 9.0),
    ]


def test_market_copy_money_t_mm_and_signed_amounts() -> None:
    text = (
        "Lawmakers eye $1.2T in cuts and $75mm of synergies; funds saw outflows (-$2.4B) "
        "while the spread stood at +$0.31. The 5t lorry and the 8 mm shell are no money."
    )
    assert [(f.text, f.value, f.unit) for f in extract_figures(text)] == [
        ("$1.2T", 1.2e12, "USD"),
        ("$75mm", 7.5e7, "USD"),
        ("-$2.4B", -2.4e9, "USD"),
        ("+$0.31", 0.31, "USD"),
    ]


def test_flattened_table_row_label_is_no_counted_noun() -> None:
    text = (
        "Receivables 4,210 3,980 Other current assets 1,150 990 Borrowings -- -- 250,000 "
        "Repayments on notes (12,000)\n"
        "The ministry hired 1,200 — 1,200 Border Guard officers."
    )
    assert [f.text for f in extract_figures(text)] == ["1,200 Border Guard officers"]


def test_between_with_to_or_a_hyphen_is_one_range() -> None:
    text = (
        "Officials want to cut between $3 billion to $4 billion, deposits pay between "
        "2.5% to 3.1% and profit will be between 40-60 million euros."
    )
    assert [(f.text, f.low, f.high) for f in extract_figures(text)] == [
        ("between $3 billion to $4 billion", 3e9, 4e9),
        ("between 2.5% to 3.1%", 2.5, 3.1),
        ("between 40-60 million euros", 4e7, 6e7),
    ]


def test_exchange_rate_against_a_currency_name_is_money() -> None:
    text = "Strategists see the euro/$1.02 by June and the pound at GBP/$1.31."
    assert [(f.text, f.value, f.unit) for f in extract_figures(text)] == [
        ("$1.02", 1.02, "USD"),
        ("$1.31", 1.31, "USD"),
    ]
