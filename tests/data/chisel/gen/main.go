// Writes a chisel manifest (jsonwall, schema 1.0) with chisel's own
// public/jsonwall writer and public/manifest entry types, the way chisel's
// manifestutil.Write fills them, then reads it back with manifest.Read.
// Output: uncompressed jsonwall on stdout (compress it with zstd).
package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/canonical/chisel/public/jsonwall"
	"github.com/canonical/chisel/public/manifest"
)

type path struct {
	path, mode, sha string
	size       uint64
	slices     []string
}

func main() {
	dbw := jsonwall.NewDBWriter(&jsonwall.DBWriterOptions{Schema: manifest.Schema})
	pkgs := []manifest.Package{
		{Kind: "package", Name: "base-files", Version: "13ubuntu10.1", Digest: "0b1c4bd8f7e5a3b2c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6", Arch: "amd64"},
		{Kind: "package", Name: "libc6", Version: "2.39-0ubuntu8.4", Digest: "9a8b7c6d5e4f30211f2e3d4c5b6a79880f1e2d3c4b5a69788796a5b4c3d2e1f0", Arch: "amd64"},
		{Kind: "package", Name: "ca-certificates", Version: "20240203", Digest: "1111111111111111111111111111111111111111111111111111111111111111", Arch: "all"},
	}
	slices := []string{"base-files_base", "base-files_chisel", "base-files_release-info", "libc6_config", "libc6_libs", "ca-certificates_data"}
	paths := []path{
		{"/etc/", "0755", "", 0, []string{"base-files_base", "libc6_config"}},
		{"/etc/ld.so.conf.d/x86_64-linux-gnu.conf", "0644", "aa11", 68, []string{"libc6_config"}},
		{"/usr/lib/os-release", "0644", "bb22", 386, []string{"base-files_release-info"}},
		{"/usr/lib/x86_64-linux-gnu/libc.so.6", "0755", "cc33", 2125328, []string{"libc6_libs"}},
		{"/usr/lib/x86_64-linux-gnu/libm.so.6", "0644", "dd44", 952616, []string{"libc6_libs"}},
		{"/usr/share/ca-certificates/mozilla/ISRG_Root_X1.crt", "0644", "ee55", 1939, []string{"ca-certificates_data"}},
		{"/var/lib/chisel/", "0755", "", 0, []string{"base-files_chisel"}},
		{"/var/lib/chisel/manifest.wall", "0644", "", 0, []string{"base-files_chisel"}},
	}
	for i := range pkgs {
		if err := dbw.Add(&pkgs[i]); err != nil {
			panic(err)
		}
	}
	for _, s := range slices {
		if err := dbw.Add(&manifest.Slice{Kind: "slice", Name: s}); err != nil {
			panic(err)
		}
	}
	for _, p := range paths {
		for _, s := range p.slices {
			if err := dbw.Add(&manifest.Content{Kind: "content", Slice: s, Path: p.path}); err != nil {
				panic(err)
			}
		}
		if err := dbw.Add(&manifest.Path{Kind: "path", Path: p.path, Mode: p.mode, Slices: p.slices, SHA256: p.sha, Size: p.size}); err != nil {
			panic(err)
		}
	}
	var buf bytes.Buffer
	if _, err := dbw.WriteTo(&buf); err != nil {
		panic(err)
	}
	m, err := manifest.Read(bytes.NewReader(buf.Bytes()))
	if err != nil {
		panic(err)
	}
	n := 0
	if err := m.IteratePackages(func(p *manifest.Package) error { n++; return nil }); err != nil {
		panic(err)
	}
	if n != len(pkgs) {
		panic(fmt.Sprintf("read back %d packages", n))
	}
	os.Stdout.Write(buf.Bytes())
}
