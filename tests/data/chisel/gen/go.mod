module vigiltest/gen

go 1.19

require github.com/canonical/chisel v0.0.0
replace github.com/canonical/chisel => ../src/github.com/canonical/chisel
