package address

import (
	"slices"
	"testing"

	bojanz "github.com/bojanz/address"
)

func TestMessageIDs(t *testing.T) {
	ids := MessageIDs()
	t.Run("list is sorted and has no duplicates", func(t *testing.T) {
		if !slices.IsSorted(ids) || len(slices.Compact(slices.Clone(ids))) != len(ids) {
			t.Fatalf("MessageIDs() = %v", ids)
		}
	})
	t.Run("every validation message is listed", func(t *testing.T) {
		for _, id := range []string{
			"address.country_invalid", "address.required", "address.postal_code_invalid",
			"address.region_invalid", "address.too_long", "address.invalid_chars",
		} {
			if !slices.Contains(ids, id) {
				t.Errorf("%s missing", id)
			}
		}
	})
	t.Run("every label any country's form uses is listed", func(t *testing.T) {
		for _, c := range Countries("en", nil) {
			for _, in := range Form(c.Code, "en") {
				if !slices.Contains(ids, in.LabelID) {
					t.Errorf("%s %s label %q missing", c.Code, in.Name, in.LabelID)
				}
			}
		}
	})
	t.Run("every message Validate returns is listed", func(t *testing.T) {
		for _, a := range []Address{{}, deAddress(postalCode("x")), usAddress(region("x")), deAddress(name("\x00"))} {
			for input, id := range Validate(a) {
				if !slices.Contains(ids, id) {
					t.Errorf("%s: %q missing", input, id)
				}
			}
		}
	})
}

func TestLabels(t *testing.T) {
	t.Run("every sublocality type has a label", func(t *testing.T) {
		for _, typ := range []bojanz.SublocalityType{
			bojanz.SublocalityTypeSuburb, bojanz.SublocalityTypeDistrict, bojanz.SublocalityTypeNeighborhood,
			bojanz.SublocalityTypeVillageTownship, bojanz.SublocalityTypeTownland,
		} {
			if sublocalityLabels[typ] == "" {
				t.Errorf("SublocalityType %d has no label", typ)
			}
		}
	})
	t.Run("every locality type has a label", func(t *testing.T) {
		for _, typ := range []bojanz.LocalityType{
			bojanz.LocalityTypeCity, bojanz.LocalityTypeDistrict, bojanz.LocalityTypePostTown,
			bojanz.LocalityTypeSuburb, bojanz.LocalityTypeTownCity,
		} {
			if localityLabels[typ] == "" {
				t.Errorf("LocalityType %d has no label", typ)
			}
		}
	})
	t.Run("every region type has a label", func(t *testing.T) {
		for _, typ := range []bojanz.RegionType{
			bojanz.RegionTypeProvince, bojanz.RegionTypeArea, bojanz.RegionTypeCanton, bojanz.RegionTypeCounty,
			bojanz.RegionTypeDepartment, bojanz.RegionTypeDistrict, bojanz.RegionTypeDoSi, bojanz.RegionTypeEmirate,
			bojanz.RegionTypeIsland, bojanz.RegionTypeParish, bojanz.RegionTypePrefecture, bojanz.RegionTypeRegion,
			bojanz.RegionTypeState,
		} {
			if regionLabels[typ] == "" {
				t.Errorf("RegionType %d has no label", typ)
			}
		}
	})
	t.Run("every postal code type has a label", func(t *testing.T) {
		for _, typ := range []bojanz.PostalCodeType{
			bojanz.PostalCodeTypePostal, bojanz.PostalCodeTypeEir, bojanz.PostalCodeTypePin, bojanz.PostalCodeTypeZip,
		} {
			if postalCodeLabels[typ] == "" {
				t.Errorf("PostalCodeType %d has no label", typ)
			}
		}
	})
	t.Run("every type a format uses has a label", func(t *testing.T) {
		for code, f := range bojanz.GetFormats() {
			if sublocalityLabels[f.SublocalityType] == "" || localityLabels[f.LocalityType] == "" ||
				regionLabels[f.RegionType] == "" || postalCodeLabels[f.PostalCodeType] == "" {
				t.Errorf("%s uses a type without a label: %+v", code, f)
			}
		}
	})
	t.Run("labels are told apart by type", func(t *testing.T) {
		tables := []int{len(sublocalityLabels), len(localityLabels), len(regionLabels), len(postalCodeLabels)}
		all := map[string]bool{}
		for _, m := range []map[string]bool{values(sublocalityLabels), values(localityLabels), values(regionLabels), values(postalCodeLabels)} {
			for id := range m {
				all[id] = true
			}
		}
		if want := tables[0] + tables[1] + tables[2] + tables[3]; len(all) != want {
			t.Errorf("%d distinct labels for %d types", len(all), want)
		}
	})
}

func values[K comparable](m map[K]string) map[string]bool {
	out := map[string]bool{}
	for _, v := range m {
		out[v] = true
	}
	return out
}
