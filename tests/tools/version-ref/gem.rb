# gem.rb — reference for the RubyGems comparator: Debian ruby's
# Gem::Version.  Reads "A<TAB>B" lines from ARGV[0] and prints "<", "=", ">"
# or "invalid" (Gem::Version.correct? false, or blank) per line.
require "rubygems"

File.foreach(ARGV[0], chomp: true) do |line|
  a, b = line.split("\t", 2)
  if [a, b].any? { |v| v.nil? || v.strip.empty? || !Gem::Version.correct?(v) }
    puts "invalid"
    next
  end
  r = Gem::Version.new(a) <=> Gem::Version.new(b)
  puts(r < 0 ? "<" : r > 0 ? ">" : "=")
end
