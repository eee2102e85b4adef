"""Synthetic bundles: a realistic county, district or province of any size, for benchmarks.

`generate_bundle` is pure and deterministic for a seed. Rural schools (教学点, 村小,
中心小学, 乡镇初中, 九年一贯制) receive lessons; urban schools of six to eight network
teachers each pair with the rural schools of their region. Every school keeps its own bell
schedule, so a lesson only fits where the rural period and the teacher's free time overlap.
Needs add up to 70–90% of what the teachers of a region can give, subject by subject, and only
ask for subjects and grades some teacher there covers.
"""

from coordinator.bundle.synthetic.generate import generate_bundle

__all__ = ["generate_bundle"]
