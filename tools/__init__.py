"""Developer tooling outside the product package: mutation testing (make mutants) and the behaviour comparison
(tools/behaviour/)."""
