// gosemver.go — reference for the Go comparator: golang.org/x/mod/semver
// (Debian golang-golang-x-mod-dev, built offline in GOPATH mode).  Reads
// "A<TAB>B" lines from os.Args[1] and prints "<", "=", ">" or "invalid".
// vigil accepts versions without the leading "v"; they are given one here.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"golang.org/x/mod/semver"
)

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		panic(err)
	}
	in := bufio.NewScanner(f)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		ab := strings.SplitN(in.Text(), "\t", 2)
		a, b := ab[0], ab[1]
		if !strings.HasPrefix(a, "v") {
			a = "v" + a
		}
		if !strings.HasPrefix(b, "v") {
			b = "v" + b
		}
		if !semver.IsValid(a) || !semver.IsValid(b) {
			fmt.Fprintln(out, "invalid")
			continue
		}
		r := semver.Compare(a, b)
		fmt.Fprintln(out, map[int]string{-1: "<", 0: "=", 1: ">"}[r])
	}
}
