-- The slice index (evaluation_id, harness, scenario) took new entries in every slice's
-- part of the index, so each result batch rewrote a page per slice: about half the pages a
-- scan's commit wrote. The per-slice summary groups one evaluation's rows, found by the
-- primary key, and the harness filter narrows those rows the same way.
DROP INDEX results_by_slice;
