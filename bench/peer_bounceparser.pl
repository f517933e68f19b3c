#!/usr/bin/perl
# peer_bounceparser.pl - messages/s of Mail::DeliveryStatus::BounceParser
# (Debian's libmail-deliverystatus-bounceparser-perl) over the mail files
# of the given directories, read from disk each round.
#
#   perl peer_bounceparser.pl SECONDS DIR...
#
# Prints "bounceparser VERSION MAILS RECORDS SECONDS ROUNDS msgs/s".
use strict;
use warnings;
use Mail::DeliveryStatus::BounceParser;
use Time::HiRes qw(time);

$SIG{__WARN__} = sub { };	# the parser warns about mails it half reads

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
		open(my $fh, '<', $f) or die "$f: $!";
		local $/;
		my $text = <$fh>;
		close $fh;
		my $b = eval { Mail::DeliveryStatus::BounceParser->new($text) };
		$records += scalar($b->reports) if $b;
	}
	$rounds++;
} while (time - $t0 < $secs);
my $dt = time - $t0;
printf "bounceparser %s %d %d %.2f %d %.1f\n", $Mail::DeliveryStatus::BounceParser::VERSION,
    scalar @files, $records, $dt, $rounds, @files * $rounds / $dt;
