module example.com/app

go 1.16

require (
	github.com/a/b v1.0.0 // indirect
	"example.com/q" v0.1.0
)

replace github.com/a/b => ../b
replace example.com/q v0.1.0 => example.com/r v0.2.0
exclude example.com/x v1.0.0
