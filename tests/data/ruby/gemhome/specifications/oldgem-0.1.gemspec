# -*- encoding: utf-8 -*-

Gem::Specification.new do |s|
  s.name = %q{oldgem}
  s.version = "0.1"

  s.required_rubygems_version = Gem::Requirement.new(">= 0") if s.respond_to? :required_rubygems_version=
  s.authors = [%q{Old 'Quoted' Author}]
  s.homepage = %q{http://example.com/oldgem}
  s.require_paths = [%q{lib}]
  s.summary = %q{A gem spec written by RubyGems 1.8 {with braces}}
  s.add_dependency(%q<racc>, [">= 1.0"])
  s.add_dependency(%q<nokogiri>, [">= 1.0"])
end
