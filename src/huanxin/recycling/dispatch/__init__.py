"""Fleet dispatch for doorstep recycling pickups (PyVRP).

``solver.plan_day`` plans a day, ``live.insert_booking`` inserts a booking into the live
plan, ``verify.plan_violations`` re-checks a plan without PyVRP, ``vrptw.solve_vrptw``
solves Solomon instances for benchmarking. Travel times come from ``travel.TravelMatrix``.
"""
