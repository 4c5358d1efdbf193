#!/usr/bin/perl
# dpkg.pl — reference for the dpkg comparator: Debian's Dpkg::Version
# (libdpkg-perl).  Reads "A<TAB>B" lines from FILE and prints "<", "=", ">"
# or "invalid" (a version Dpkg::Version's is_valid rejects) per line.
use strict;
use warnings;
use Dpkg::Version;

open(my $in, '<', $ARGV[0]) or die "$ARGV[0]: $!";
while (my $line = <$in>) {
    chomp $line;
    my ($a, $b) = split /\t/, $line, 2;
    my $va = Dpkg::Version->new($a);
    my $vb = Dpkg::Version->new($b);
    if (!$va->is_valid() || !$vb->is_valid()) {
        print "invalid\n";
        next;
    }
    my $r = version_compare($a, $b);
    print $r < 0 ? "<\n" : $r > 0 ? ">\n" : "=\n";
}
