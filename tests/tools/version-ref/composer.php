<?php
// composer.php — reference for the Composer comparator: composer/semver
// (Debian php-composer-semver): VersionParser::normalize() then
// Comparator.  Reads "A<TAB>B" lines from $argv[1] and prints "<", "=", ">"
// or "invalid" (normalize() throws, or a named dev- branch).
require '/usr/share/php/Composer/Semver/autoload.php';
use Composer\Semver\VersionParser;
use Composer\Semver\Comparator;

$parser = new VersionParser();
foreach (file($argv[1], FILE_IGNORE_NEW_LINES) as $line) {
    [$a, $b] = explode("\t", $line, 2);
    try {
        $na = $parser->normalize($a);
        $nb = $parser->normalize($b);
    } catch (\Throwable $e) {
        echo "invalid\n";
        continue;
    }
    if (strpos($na, 'dev-') === 0 || strpos($nb, 'dev-') === 0) {
        echo "invalid\n";
        continue;
    }
    echo Comparator::lessThan($na, $nb) ? "<" : (Comparator::greaterThan($na, $nb) ? ">" : "="), "\n";
}
