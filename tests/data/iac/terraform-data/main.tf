# The configuration of tests/data/iac/tf-data-*.json (README.md there).
variable "db_password" {
  type      = string
  sensitive = true
  default   = "not-a-real-password"
}

resource "terraform_data" "bootstrap" {
  input = "bootstrap"
}

resource "terraform_data" "replacement" {
  input            = var.db_password
  triggers_replace = [terraform_data.bootstrap.output]
}

module "child" {
  source = "./child"
}
