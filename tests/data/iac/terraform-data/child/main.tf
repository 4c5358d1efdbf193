resource "terraform_data" "inner" {
  input = { port = 22, cidr = "0.0.0.0/0" }
}
