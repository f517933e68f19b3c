#!/usr/bin/perl
# peer_sisimai.pl - messages/s of Sisimai 4 (Debian's libsisimai-perl) over
# the mail files of the given directories, read from disk each round.
#
#   perl peer_sisimai.pl SECONDS DIR...
#
# Prints "sisimai VERSION MAILS RECORDS SECONDS ROUNDS msgs/s".
use strict;
use warnings;
use Sisimai;
use Time::HiRes qw(time);

my $secs = shift @ARGV;
my @files;
for my $d (@ARGV) {
	opendir(my $dh, $d) or die "$d: $!";
	push @files, map { "$d/$_" } sort grep { -f "$d/$_" } readdir $dh;
	closedir $dh;
}
my ($rounds, $records) = (0, 0);
my $t0 = time;
do {
	$records = 0;
	for my $f (@files) {
		my $v = eval { Sisimai->make($f) };
		$records += scalar @$v if ref $v eq 'ARRAY';
	}
	$rounds++;
} while (time - $t0 < $secs);
my $dt = time - $t0;
printf "sisimai %s %d %d %.2f %d %.1f\n", $Sisimai::VERSION, scalar @files, $records,
    $dt, $rounds, @files * $rounds / $dt;
