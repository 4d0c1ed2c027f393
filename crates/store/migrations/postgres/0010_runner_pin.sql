-- Which runners may claim an evaluation's jobs: NULL for any shared runner (a server or a
-- worker, which open stored targets and keys), or the scope of the one process that can run
-- them (a CLI scan, whose target and key live only in that process). See Engine docs.
ALTER TABLE evaluations ADD COLUMN runner TEXT;
